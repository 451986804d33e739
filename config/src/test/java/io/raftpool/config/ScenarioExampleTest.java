package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example the docs and the demo use loads, and means what it says. */
class ScenarioExampleTest {
    private static final Path EXAMPLE = Path.of("../examples/scenario-2plus1.yaml");

    private final ClusterConfig config = ConfigLoader.load(EXAMPLE);

    @Test
    void clusterSectionIsReadAsWritten() {
        assertThat(config.name()).isEqualTo("scenario");
        assertThat(config.bootstrapPrimary()).isZero();
        assertThat(config.source()).isEqualTo(EXAMPLE);
    }

    @Test
    void healthCheckTakesTheFileValuesAndDefaultsForTheRest() {
        assertThat(config.healthCheck()).isEqualTo(new HealthCheckSettings(
                Duration.ofMillis(500), Duration.ofSeconds(1), 2,
                HealthCheckSettings.DEFAULTS.localCheckPeriod(), HealthCheckSettings.DEFAULTS.lagReportInterval()));
    }

    @Test
    void failoverTakesTheFileValuesAndDefaultsForTheRest() {
        assertThat(config.failover()).isEqualTo(new FailoverSettings(
                true, Duration.ofMillis(1500), Duration.ofMillis(500),
                FailoverSettings.DEFAULTS.promoteTimeout(), FailoverSettings.DEFAULTS.agentTimeout(),
                FailoverSettings.DEFAULTS.autoRejoin()));
    }

    @Test
    void replicationPasswordIsAFileReferenceNotTheSecret() {
        assertThat(config.replication()).isEqualTo(new ReplicationSettings(ReplicationSettings.Mode.ASYNC,
                "replicator", SecretRef.file(Path.of("/etc/raftpool/replication.password")),
                ReplicationSettings.SyncPolicy.AVAILABILITY));
    }

    @Test
    void sectionsTheFileLeavesOutAreTheDefaults() {
        assertThat(config.raft()).isEqualTo(RaftSettings.DEFAULTS);
        assertThat(config.proxy()).isEqualTo(ProxySettings.DEFAULTS);
        assertThat(config.admin()).isEqualTo(AdminSettings.DEFAULTS);
    }

    @Test
    void vipIsSplitIntoAddressAndPrefixAndRendersTheDefaultCommands() {
        VipSettings vip = config.vip().orElseThrow();
        assertThat(vip.address()).isEqualTo("10.0.0.100");
        assertThat(vip.prefix()).isEqualTo(24);
        assertThat(vip.networkInterface()).isEqualTo("eth0");
        assertThat(vip.render(vip.upCommand())).isEqualTo("ip addr add 10.0.0.100/24 dev eth0");
        assertThat(vip.render(vip.downCommand())).isEqualTo("ip addr del 10.0.0.100/24 dev eth0");
        assertThat(vip.render(vip.arpingCommand())).isEqualTo("arping -U -c 1 -I eth0 10.0.0.100");
    }

    @Test
    void nodesAreThreeAgentsInIdOrderWithTheirAddresses() {
        assertThat(config.nodes()).extracting(NodeConfig::id, NodeConfig::name, NodeConfig::raftAddress,
                        NodeConfig::adminAddress, NodeConfig::agentDir, NodeConfig::witness)
                .containsExactly(
                        tuple(0, "pgsql1", "10.0.0.11:7400", "10.0.0.11:7410",
                                Path.of("/var/lib/raftpool"), false),
                        tuple(1, "pgsql2", "10.0.0.12:7400", "10.0.0.12:7410",
                                Path.of("/var/lib/raftpool"), false),
                        tuple(2, "witness", "10.0.0.13:7400", "10.0.0.13:7410",
                                Path.of("/var/lib/raftpool"), true));
        assertThat(config.quorumSize()).isEqualTo(2);
    }

    @Test
    void postgresNodesInheritTheClusterPostgresSection() {
        List<String> hba = List.of("host all all 10.0.0.0/24 scram-sha-256",
                "host replication replicator 10.0.0.0/24 scram-sha-256");
        for (int id : List.of(0, 1)) {
            PostgresConfig pg = config.requireNode(id).requirePostgres();
            assertThat(pg).isEqualTo(new PostgresConfig(5432, Path.of("/var/lib/postgresql/15/raftpool"),
                    Path.of("/usr/lib/postgresql/15/bin"), "postgres", "postgres", SecretRef.NONE, 0, false,
                    Map.of(), hba));
            assertThat(pg.bin("pg_ctl")).isEqualTo(Path.of("/usr/lib/postgresql/15/bin/pg_ctl"));
        }
        assertThat(config.postgresNodes()).extracting(NodeConfig::id).containsExactly(0, 1);
    }

    @Test
    void serverNodesRunAProxyOnTheGivenPortsWithoutMetrics() {
        for (int id : List.of(0, 1)) {
            assertThat(config.requireNode(id).proxy()).contains(new NodeConfig.ProxyPorts(9999, 9998, 0));
        }
    }

    @Test
    void theWitnessHasNeitherPostgresNorProxy() {
        NodeConfig witness = config.requireNode(2);
        assertThat(witness.postgres()).isEmpty();
        assertThat(witness.proxy()).isEmpty();
        assertThatThrownBy(witness::requirePostgres)
                .isInstanceOf(ConfigException.class)
                .hasMessage("node 2 (witness) is a witness: it has no PostgreSQL server");
    }

    @Test
    void askingForANodeThatIsNotThereListsTheNodesThatAre() {
        assertThat(config.node(3)).isEmpty();
        assertThatThrownBy(() -> config.requireNode(3))
                .isInstanceOf(ConfigException.class)
                .hasMessage("node id 3 is not in " + EXAMPLE + "; the nodes are [0 (pgsql1), 1 (pgsql2), 2 (witness)]");
    }
}
