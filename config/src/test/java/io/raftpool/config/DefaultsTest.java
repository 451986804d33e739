package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each settings record keeps its defaults next to its fields ({@code DEFAULTS}); these tests
 * walk that table and check the loader applies exactly those values where the file is silent.
 */
class DefaultsTest {

    /** Every ClusterConfig component whose type declares DEFAULTS, with its YAML section name. */
    static Stream<Arguments> settingsSections() {
        return Arrays.stream(ClusterConfig.class.getRecordComponents())
                .filter(c -> defaultsOf(c.getType()) != null)
                .map(c -> Arguments.of(sectionKey(c), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settingsSections")
    void anEmptySectionYieldsTheDefaults(String section, RecordComponent component) throws Exception {
        ClusterConfig config = ConfigYaml.valid().set(section, Map.of()).load();

        assertThat(component.getAccessor().invoke(config)).isEqualTo(defaultsOf(component.getType()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settingsSections")
    void aMissingSectionYieldsTheDefaults(String section, RecordComponent component) throws Exception {
        ClusterConfig config = ConfigYaml.valid().remove(section).load();

        assertThat(component.getAccessor().invoke(config)).isEqualTo(defaultsOf(component.getType()));
    }

    @Test
    void theWalkCoversEverySettingsSection() {
        assertThat(settingsSections().map(a -> (String) a.get()[0]))
                .containsExactlyInAnyOrder("raft", "health_check", "failover", "watchdog", "replication", "proxy", "admin", "hooks",
                        "security");
    }

    @Test
    void theDefaultsThemselvesPassTheRulesBetweenSections() {
        ClusterConfig config = ConfigYaml.valid().load();

        assertThat(config.proxy().staleAfter())
                .isLessThan(config.failover().fenceTimeout().plus(config.failover().fenceGrace()));
        assertThat(config.raft().electionTimeoutMin()).isLessThan(config.raft().electionTimeoutMax());
        assertThat(config.failover().fenceTimeout()).isGreaterThan(config.raft().electionTimeoutMax());
    }

    private static final String BARE_NODES = """
            cluster: { name: bare }
            nodes:
              - { id: 4, name: w, host: h1, raft_port: 1, admin_port: 2, witness: true }
              - { id: 9, name: b, host: h2, raft_port: 1, admin_port: 2, postgres: { port: 5432, data_dir: /d } }
              - { id: 7, name: a, host: h3, raft_port: 1, admin_port: 2, proxy: { rw_port: 3, ro_port: 4 },
                  postgres: { port: 5432, data_dir: /d } }
            vip: { address: 10.0.0.1, interface: eth1 }
            """;

    static Stream<Arguments> nodeDefaults() {
        return Stream.of(
                row("cluster.bootstrap_primary: the lowest id with PostgreSQL", c -> c.bootstrapPrimary(), 7),
                row("nodes are in id order", c -> c.nodes().stream().map(NodeConfig::id).toList(), List.of(4, 7, 9)),
                row("agent_dir: /var/lib/raftpool/<name>", c -> c.requireNode(7).agentDir(),
                        Path.of("/var/lib/raftpool/a")),
                row("no proxy section: no proxy", c -> c.requireNode(9).proxy().isPresent(), false),
                row("metrics_port: 0 (the agent serves no metrics)", c -> c.requireNode(9).metricsPort(), 0),
                row("admin_sql_port: 0 (no admin console)", c -> c.requireNode(9).adminSqlPort(), 0),
                row("proxy.metrics_port: 0 (off)", c -> c.requireNode(7).proxy().orElseThrow().metricsPort(), 0),
                row("postgres.bin_dir: $PG_BIN or the newest installed", c -> pg(c).binDir(),
                        PostgresDefaults.defaultBinDir()),
                row("postgres.os_user: postgres", c -> pg(c).osUser(), "postgres"),
                row("postgres.superuser: postgres", c -> pg(c).superuser(), "postgres"),
                row("postgres.superuser_password: none", c -> pg(c).superuserPassword(), SecretRef.NONE),
                row("postgres.priority: 0", c -> pg(c).priority(), 0),
                row("postgres.nofailover: false", c -> pg(c).nofailover(), false),
                row("postgres.parameters: none", c -> pg(c).parameters(), Map.of()),
                row("postgres.hba: none", c -> pg(c).hba(), List.of()),
                row("vip: a bare address is a /32", c -> c.vip().orElseThrow().prefix(), 32),
                row("vip.up_command", c -> c.vip().orElseThrow().upCommand(), VipSettings.DEFAULT_UP),
                row("vip.down_command", c -> c.vip().orElseThrow().downCommand(), VipSettings.DEFAULT_DOWN),
                row("vip.arping_command", c -> c.vip().orElseThrow().arpingCommand(), VipSettings.DEFAULT_ARPING));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nodeDefaults")
    void aKeyLeftOutTakesItsDocumentedDefault(String key, Function<ClusterConfig, Object> read, Object expected) {
        assertThat(read.apply(ConfigLoader.parse(BARE_NODES, ConfigYaml.SOURCE))).isEqualTo(expected);
    }

    @Test
    void withoutAVipSectionThereIsNoVip() {
        assertThat(ConfigYaml.valid().load().vip()).isEmpty();
    }

    @Test
    void aNodePostgresSectionOverridesTheClusterOneAndAddsToItsParameters() {
        ClusterConfig config = ConfigYaml.valid()
                .set("postgres", Map.of("bin_dir", "/opt/pg/bin", "os_user", "pgadmin", "superuser", "admin",
                        "parameters", Map.of("max_connections", "200", "wal_level", "replica")))
                .set("nodes[1].postgres.bin_dir", "/opt/pg16/bin")
                .set("nodes[1].postgres.os_user", "pg16")
                .set("nodes[1].postgres.parameters", Map.of("max_connections", "50"))
                .load();

        PostgresConfig inherits = config.requireNode(0).requirePostgres();
        PostgresConfig overrides = config.requireNode(1).requirePostgres();
        assertThat(inherits.binDir()).isEqualTo(Path.of("/opt/pg/bin"));
        assertThat(inherits.osUser()).isEqualTo("pgadmin");
        assertThat(inherits.parameters()).isEqualTo(Map.of("max_connections", "200", "wal_level", "replica"));
        assertThat(overrides.binDir()).isEqualTo(Path.of("/opt/pg16/bin"));
        assertThat(overrides.osUser()).isEqualTo("pg16");
        assertThat(overrides.superuser()).isEqualTo("admin");
        assertThat(overrides.parameters()).isEqualTo(Map.of("max_connections", "50", "wal_level", "replica"));
    }

    private static PostgresConfig pg(ClusterConfig c) {
        return c.requireNode(9).requirePostgres();
    }

    private static Arguments row(String key, Function<ClusterConfig, Object> read, Object expected) {
        return Arguments.of(key, read, expected);
    }

    private static Object defaultsOf(Class<?> type) {
        try {
            Field f = type.getField("DEFAULTS");
            return Modifier.isStatic(f.getModifiers()) ? f.get(null) : null;
        } catch (NoSuchFieldException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** healthCheck -> health_check: the section names follow the record components. */
    private static String sectionKey(RecordComponent c) {
        return c.getName().replaceAll("([A-Z])", "_$1").toLowerCase();
    }
}
