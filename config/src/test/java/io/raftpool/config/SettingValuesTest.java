package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One key at a time: each bad value is refused with the key, the value and what is allowed. */
class SettingValuesTest {
    private final ConfigYaml valid = ConfigYaml.valid();

    static Stream<String> durationKeys() {
        return Stream.of("raft.election_timeout_min", "raft.election_timeout_max",
                "health_check.period", "health_check.timeout", "health_check.local_check_period",
                "health_check.lag_report_interval", "failover.fence_timeout", "failover.fence_grace",
                "failover.promote_timeout", "failover.agent_timeout", "proxy.stale_after", "proxy.connect_timeout",
                "proxy.startup_timeout", "admin.call_timeout", "watchdog.restart_window");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("durationKeys")
    void aDurationWithoutAUnitIsRefused(String key) {
        assertThat(valid.set(key, 5).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: " + key + ": '5' is not a duration; write a whole number with a unit"
                        + " (ms, s, m, h), e.g. 500ms or 2s");
    }

    @Test
    void anUnknownWatchdogModeIsRefusedWithTheModesAllowed() {
        assertThat(valid.set("watchdog.mode", "on").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: watchdog.mode: 'on' is not allowed; allowed: off, automatic, required");
    }

    @Test
    void aRelativeWatchdogDeviceIsRefused() {
        assertThat(valid.set("watchdog.device", "watchdog0").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: watchdog.device: 'watchdog0' is not allowed; write the absolute path of the"
                        + " watchdog device, e.g. /dev/watchdog");
    }

    @Test
    void theWatchdogSectionIsRead() {
        ClusterConfig config = valid.set("watchdog.mode", "required").set("watchdog.device", "/dev/watchdog1")
                .set("watchdog.restart_window", "1m").load();

        assertThat(config.watchdog()).isEqualTo(new WatchdogSettings(WatchdogSettings.Mode.REQUIRED,
                java.nio.file.Path.of("/dev/watchdog1"), Duration.ofMinutes(1)));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"5", "1 sec", "-1s", "1.5s", "2S", "s", "", "1s500ms", "PT1S"})
    void malformedDurationsAreRefused(String text) {
        assertThat(valid.set("failover.fence_grace", text).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: failover.fence_grace: '" + text + "' is not a duration; write a whole"
                        + " number with a unit (ms, s, m, h), e.g. 500ms or 2s");
    }

    @Test
    void aDurationGivenAsAMappingIsRefused() {
        assertThat(valid.set("admin.call_timeout", Map.of("seconds", 5)).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: admin.call_timeout: a mapping is not a duration; write a whole number with"
                        + " a unit (ms, s, m, h), e.g. 500ms or 2s");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"admin.call_timeout, 250ms, PT0.25S", "admin.call_timeout, 7s, PT7S",
            "admin.call_timeout, 1 s, PT1S", "proxy.startup_timeout, 2m, PT2M", "admin.call_timeout, 1h, PT1H"})
    void everyUnitIsUnderstood(String key, String text, Duration expected) {
        ClusterConfig config = valid.set(key, text).load();

        Duration read = key.startsWith("admin") ? config.admin().callTimeout() : config.proxy().startupTimeout();
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void theProxyRelaysOnOneEventLoopUnlessToldOtherwise() {
        assertThat(valid.load().proxy().ioThreads()).isEqualTo(1);
        assertThat(valid.set("proxy.io_threads", 4).load().proxy().ioThreads()).isEqualTo(4);
    }

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of("nodes[0].id", -1, "0 to 9999"),
                Arguments.of("nodes[0].raft_port", 0, "1 to 65535"),
                Arguments.of("nodes[0].admin_port", 65536, "1 to 65535"),
                Arguments.of("nodes[0].proxy.rw_port", 70000, "1 to 65535"),
                Arguments.of("nodes[0].proxy.ro_port", 0, "1 to 65535"),
                Arguments.of("nodes[0].proxy.metrics_port", -1, "0 to 65535"),
                Arguments.of("nodes[0].metrics_port", 65536, "0 to 65535"),
                Arguments.of("nodes[0].admin_sql_port", -1, "0 to 65535"),
                Arguments.of("nodes[0].health_port", 65536, "0 to 65535"),
                Arguments.of("nodes[0].postgres.port", 99999, "1 to 65535"),
                Arguments.of("nodes[0].postgres.priority", 1001, "-1000 to 1000"),
                Arguments.of("nodes[0].postgres.priority", -1001, "-1000 to 1000"),
                Arguments.of("health_check.retries", 101, "0 to 100"),
                Arguments.of("raft.snapshot_every", 9, "10 to 10000000"),
                Arguments.of("cluster.bootstrap_primary", 10000, "0 to 9999"),
                Arguments.of("nodes[0].raft_port", new BigInteger("18446744073709559016"), "1 to 65535"),
                Arguments.of("raft.election_timeout_min", "49ms", "50ms to 30s"),
                Arguments.of("raft.election_timeout_max", "61s", "100ms to 1m"),
                Arguments.of("health_check.period", "2h", "50ms to 1h"),
                Arguments.of("health_check.local_check_period", "9ms", "10ms to 1m"),
                Arguments.of("failover.fence_grace", "0s", "50ms to 1h"),
                Arguments.of("proxy.connect_timeout", "0ms", "10ms to 1h"),
                Arguments.of("proxy.io_threads", 0, "1 to 64"),
                Arguments.of("proxy.io_threads", 65, "1 to 64"),
                Arguments.of("admin.call_timeout", "99999999999999999999s", "100ms to 1h"),
                Arguments.of("admin.call_timeout", "9999999999999999h", "100ms to 1h"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("outOfRange")
    void aNumberOutOfRangeIsRefusedWithTheRange(String key, Object value, String allowed) {
        assertThat(valid.set(key, value).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: " + key + ": " + value + " is out of range; allowed: " + allowed);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abc", "1.5", "7400/tcp"})
    void aPortThatIsNotAWholeNumberIsRefused(String text) {
        Object value = text.equals("1.5") ? (Object) 1.5 : text;

        assertThat(valid.set("nodes[0].raft_port", value).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: nodes[0].raft_port: '" + text + "' is not a whole number; allowed: 1 to 65535");
    }

    @Test
    void anUnknownReplicationModeIsRefusedWithTheModes() {
        assertThat(valid.set("replication.mode", "semi-sync").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: replication.mode: 'semi-sync' is not allowed; allowed: async, sync, quorum");
    }

    @Test
    void quorumModeReadsItsCount() {
        ReplicationSettings r = valid.set("replication.mode", "quorum").set("replication.sync_count", 1).load()
                .replication();
        assertThat(r.mode()).isEqualTo(ReplicationSettings.Mode.QUORUM);
        assertThat(r.syncCount()).isEqualTo(1);
    }

    @Test
    void aQuorumLargerThanTheStandbysIsRefusedWithWhatIsAllowed() {
        assertThat(valid.set("replication.mode", "quorum").set("replication.sync_count", 2).problems())
                .singleElement(STRING).isEqualTo("test.yaml: replication.sync_count: 2 is more than the 1 standby(s) of this"
                        + " cluster's 2 PostgreSQL node(s); allowed: 1 to 1");
    }

    @Test
    void aSyncCountOutsideQuorumModeIsRefused() {
        assertThat(valid.set("replication.mode", "sync").set("replication.sync_count", 1).problems())
                .singleElement(STRING).isEqualTo("test.yaml: replication.sync_count: applies only to mode quorum"
                        + " (mode is sync); remove it, or set mode: quorum");
    }

    @Test
    void anArchiveDirectoryIsAPlainAbsolutePath() {
        assertThat(valid.set("archive.directory", "/srv/wal-archive").load().archive().directory())
                .contains(java.nio.file.Path.of("/srv/wal-archive"));
        assertThat(valid.set("archive.directory", "wal archive").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: archive.directory: 'wal archive' is not allowed; write an absolute path of"
                        + " letters, digits and _ . / - (PostgreSQL runs it in archive_command and restore_command),"
                        + " e.g. /var/lib/postgresql/wal-archive");
    }

    @Test
    void theProxyHoldsFiveSecondsByDefaultAndZeroTurnsItOff() {
        assertThat(valid.load().proxy().holdTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(valid.load().proxy().holdMax()).isEqualTo(1000);
        assertThat(valid.set("proxy.hold_timeout", "0s").load().proxy().holdTimeout()).isZero();
        assertThat(valid.set("proxy.hold_max", 0).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: proxy.hold_max: 0 is out of range; allowed: 1 to 100000");
    }

    @Test
    void aPgBackRestArchiveNamesItsStanza() {
        ArchiveSettings archive = valid.set("archive.pgbackrest.stanza", "main")
                .set("archive.pgbackrest.config", "/etc/pgbackrest/raftpool.conf").load().archive();
        assertThat(archive.pgbackrest()).contains(new PgBackRestSettings("main",
                java.util.Optional.of(java.nio.file.Path.of("/etc/pgbackrest/raftpool.conf"))));
        assertThat(archive.directory()).isEmpty();
        assertThat(archive.enabled()).isTrue();
        assertThat(valid.set("archive.pgbackrest.config", "/etc/pgbackrest.conf").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: archive.pgbackrest.stanza: is required");
        assertThat(valid.set("archive.pgbackrest.stanza", "my stanza;rm").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: archive.pgbackrest.stanza: 'my stanza;rm' is not allowed; a stanza name is 1 to"
                        + " 64 letters, digits and _ . - starting with a letter or digit, e.g. main");
        assertThat(valid.set("archive.pgbackrest.stanza", "main").set("archive.pgbackrest.repo", "/x").problems())
                .singleElement(STRING).startsWith("test.yaml: archive.pgbackrest.repo: unknown key; allowed here:");
    }

    @Test
    void anArchiveIsADirectoryOrPgBackRestNotBoth() {
        assertThat(valid.set("archive.directory", "/srv/wal").set("archive.pgbackrest.stanza", "main").problems())
                .singleElement(STRING).isEqualTo("test.yaml: archive.pgbackrest: cannot be set beside"
                        + " archive.directory: the archive is one or the other; remove one of them");
    }

    @Test
    void aQuorumOfNoneIsRefused() {
        assertThat(valid.set("replication.mode", "quorum").set("replication.sync_count", 0).problems())
                .singleElement(STRING).isEqualTo("test.yaml: replication.sync_count: 0 is out of range; allowed: 1 to 64");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sync, SYNC", "SYNC, SYNC", "async, ASYNC"})
    void replicationModesIgnoreCase(String text, ReplicationSettings.Mode expected) {
        assertThat(valid.set("replication.mode", text).load().replication().mode()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"failover.auto", "nodes[0].postgres.nofailover"})
    void aBooleanIsTrueOrFalse(String key) {
        assertThat(valid.set(key, "maybe").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: " + key + ": 'maybe' is not a boolean; allowed: true or false");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"10.0.0.300/24", "10.0.0.1/33", "10.0.0.1/0", "10.0.0.1/", "10.0.0.1/x", "10.0.0",
            "fe80::1", "vip.example.com", "10.0.0.1 /24"})
    void aVipThatIsNotAnIpv4AddressIsRefused(String address) {
        assertThat(valid.set("vip", Map.of("address", address, "interface", "eth0")).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: vip.address: '" + address + "' is not an IPv4 address with an optional"
                        + " prefix; allowed: e.g. 192.168.10.100/24");
    }

    @Test
    void aVipNeedsAnAddressAndAnInterface() {
        assertThat(valid.set("vip", Map.of("up_command", "true")).problems())
                .containsExactly("test.yaml: vip.address: is required", "test.yaml: vip.interface: is required");
    }

    @Test
    void vipCommandsCanBeReplaced() {
        VipSettings vip = valid.set("vip", Map.of("address", "192.168.1.5/16", "interface", "br0",
                "up_command", "sudo ip addr add {address}/{prefix} dev {interface}")).load().vip().orElseThrow();

        assertThat(vip.render(vip.upCommand())).isEqualTo("sudo ip addr add 192.168.1.5/16 dev br0");
        assertThat(vip.downCommand()).isEqualTo(VipSettings.DEFAULT_DOWN);
    }

    static Stream<Arguments> unknownKeys() {
        return Stream.of(
                Arguments.of("fail_over", "cluster, raft, health_check, failover, watchdog, replication, archive, proxy, vip, admin,"
                        + " hooks, security, postgres, nodes"),
                Arguments.of("nodes[1].raftport", "id, name, host, raft_port, admin_port, metrics_port, admin_sql_port, health_port, agent_dir,"
                        + " witness,"
                        + " proxy, postgres"),
                Arguments.of("nodes[1].postgres.datadir", "port, data_dir, bin_dir, os_user, priority, nofailover,"
                        + " parameters"),
                Arguments.of("nodes[1].proxy.port", "rw_port, ro_port, metrics_port"),
                Arguments.of("postgres.port", "bin_dir, os_user, superuser, superuser_password_file,"
                        + " superuser_password_env, parameters, hba"),
                Arguments.of("raft.heartbeat", "election_timeout_min, election_timeout_max, snapshot_every"),
                Arguments.of("replication.slots", "mode, user, password_file, password_env, sync_policy, sync_count"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownKeys")
    void anUnknownKeyIsRefusedWithTheKeysAllowedThere(String key, String allowed) {
        assertThat(valid.set(key, 1).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: " + key + ": unknown key; allowed here: " + allowed);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"raft", "nodes[0].proxy", "nodes[0].postgres", "postgres"})
    void aSectionMustBeAMapping(String key) {
        assertThat(valid.set(key, "yes please").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: " + key + ": expected a mapping of keys, got 'yes please'");
    }

    @Test
    void theClusterNeedsAName() {
        assertThat(valid.remove("cluster").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: cluster.name: is required");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"my cluster", "-x", "a/b", "ééé"})
    void aClusterNameIsRestrictedToSafeCharacters(String name) {
        assertThat(valid.set("cluster.name", name).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: cluster.name: '" + name + "' is not allowed; use letters, digits, '.', '_'"
                        + " or '-', starting with a letter or digit, at most 63 characters");
    }

    @Test
    void anEmptyTextValueIsRefusedRatherThanDefaulted() {
        assertThat(valid.set("replication.user", "  ").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: replication.user: is empty; give a value or leave the key out");
    }

    @Test
    void postgresParametersAndHbaAreTextValues() {
        assertThat(valid.set("postgres.parameters", Map.of("shared_buffers", List.of("1GB")))
                        .set("postgres.hba", "host all all 0.0.0.0/0 trust").problems())
                .containsExactly(
                        "test.yaml: postgres.parameters.shared_buffers: expected a single value, got a list",
                        "test.yaml: postgres.hba: expected a list of text values, got 'host all all 0.0.0.0/0 trust'");
    }
}
