package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** One real PostgreSQL 15 server, initdb'd once for the class, run as the postgres OS user. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresServerIT {
    private static final Duration STEP = Duration.ofSeconds(60);

    private TestPostgres pg;
    private PostgresServer server;

    @BeforeAll
    void initPrimary() throws IOException {
        pg = new TestPostgres();
        server = pg.server("pgsql1");
        server.initPrimary(STEP);
    }

    @AfterAll
    void cleanUp() throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void running() {
        server.start(STEP);
    }

    @Test
    void initPrimaryMakesAWritablePrimaryAndRunningItAgainChangesNothing() throws Exception {
        long pid = server.postmasterPid().orElseThrow();

        server.initPrimary(STEP);

        assertThat(server.postmasterPid()).hasValue(pid);
        Sql.execute(server, "CREATE TABLE IF NOT EXISTS notes (body text)");
        Sql.execute(server, "INSERT INTO notes VALUES ('hello')");
        assertThat(Sql.column(server, "SELECT body FROM notes")).contains("hello");
        assertThat(Sql.column(server, "SHOW data_checksums")).containsExactly("on");
        assertThat(Sql.column(server, "SHOW wal_level")).containsExactly("replica");
        assertThat(Sql.column(server, "SHOW shared_buffers")).containsExactly("16MB");
    }

    @Test
    void theDataDirectoryBelongsToTheOsUserAndOnlyToIt() throws IOException {
        Path data = server.settings().dataDir();

        assertThat(Files.getOwner(data).getName()).isEqualTo(TestPostgres.osUser());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(Files.getOwner(data.resolve(ManagedSettings.FILE_NAME)).getName()).isEqualTo(TestPostgres.osUser());
        assertThat(Files.readString(server.settings().logFile())).contains("database system is ready");
    }

    @Test
    void theReplicationRoleLogsInWithItsScramPasswordAndAWrongPasswordIsRefused() throws SQLException {
        assertThat(Sql.column(server, "SELECT rolreplication::text || ' ' || left(rolpassword, 13) FROM pg_authid"
                + " WHERE rolname = 'replicator'")).containsExactly("true SCRAM-SHA-256");

        ProbeResult asReplicator = PgProbe.probe("127.0.0.1", server.settings().port(), "replicator",
                Optional.of(new Password(TestPostgres.REPLICATION_PASSWORD)), Duration.ofSeconds(5));
        ProbeResult wrongPassword = PgProbe.probe("127.0.0.1", server.settings().port(), "replicator",
                Optional.of(new Password("not-it")), Duration.ofSeconds(5));

        assertThat(asReplicator.reachable()).as("replicator with its password: %s", asReplicator.error()).isTrue();
        assertThat(wrongPassword.reachable()).isFalse();
        assertThat(wrongPassword.error()).hasValueSatisfying(e -> assertThat(e)
                .isEqualTo("password authentication failed for user \"replicator\""));
    }

    @Test
    void aProbeOfThePrimaryReportsItsTimelineAndPosition() throws SQLException {
        Sql.execute(server, "CREATE TABLE IF NOT EXISTS filler AS SELECT generate_series(1, 1000) AS n");

        ProbeResult probe = server.probe(Duration.ofSeconds(2));

        assertThat(probe.reachable()).as("probe error: %s", probe.error()).isTrue();
        assertThat(probe.inRecovery()).isFalse();
        assertThat(probe.timeline()).isEqualTo(1);
        assertThat(probe.walLsn()).isPositive().isEqualTo(probe.replayLsn());
        assertThat(probe.walReceiver()).isEmpty();
        assertThat(probe.replicas()).isEmpty();
        assertThat(probe.elapsed()).isLessThan(Duration.ofSeconds(2));
        assertThat(server.timeline(Duration.ofSeconds(5))).isEqualTo(1);
    }

    @Test
    void stopImmediateMakesTheLocalCheckSayStoppedAtOnceAndStoppingAgainIsFine() {
        assertThat(server.isRunning()).isTrue();

        server.stop(StopMode.IMMEDIATE, STEP);

        assertThat(server.isRunning()).isFalse();
        assertThat(server.postmasterPid()).isEmpty();
        server.stop(StopMode.FAST, STEP);
        assertThat(server.isRunning()).isFalse();
    }

    @Test
    void aStopByHandIsSeenByTheLocalCheck() {
        // What an operator does in the scenario: pg_ctl stop -m immediate, outside raftpool.
        server.os().run(Command.of(STEP, server.settings().bin("pg_ctl").toString(), "stop", "-D",
                server.settings().dataDir().toString(), "-m", "immediate"));

        await().atMost(Duration.ofSeconds(1)).until(() -> !server.isRunning());
    }

    @Test
    void killLeavesAStalePidFileThatTheLocalCheckSeesThroughAndStartClearsAway() {
        long pid = server.postmasterPid().orElseThrow();

        server.kill();

        assertThat(server.isRunning()).isFalse();
        assertThat(server.settings().dataDir().resolve(PostmasterPidFile.FILE_NAME)).exists();
        server.start(STEP);
        assertThat(server.postmasterPid()).isPresent().isNotEqualTo(java.util.OptionalLong.of(pid));
        assertThat(server.probe(Duration.ofSeconds(5)).reachable()).isTrue();
    }

    @Test
    void aPidFileNamingAnotherLiveProgramIsNotARunningServer() throws Exception {
        server.stop(StopMode.FAST, STEP);
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            // pid reuse: the file's pid is alive and started "now", but it is not a postmaster
            Path pidFile = server.settings().dataDir().resolve(PostmasterPidFile.FILE_NAME);
            Files.writeString(pidFile, sleeper.pid() + "\n" + server.settings().dataDir() + "\n"
                    + Instant.now().getEpochSecond() + "\n" + server.settings().port() + "\n\n\n\nready\n",
                    StandardCharsets.UTF_8);

            assertThat(server.isRunning()).isFalse();
            server.start(STEP);
            assertThat(server.postmasterPid()).isPresent().isNotEqualTo(java.util.OptionalLong.of(sleeper.pid()));
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProbeOfAStoppedServerAnswersNotReachableWithinItsTimeout() {
        server.stop(StopMode.FAST, STEP);
        long start = System.nanoTime();

        ProbeResult probe = server.probe(Duration.ofSeconds(1));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        assertThat(probe.reachable()).isFalse();
        assertThat(probe.error()).hasValue("connection refused");
    }

    @Test
    void startRewritesTheManagedSettingsEvenWhenSomeoneChangedThem() throws IOException {
        server.stop(StopMode.FAST, STEP);
        Path conf = server.settings().dataDir().resolve(ManagedSettings.FILE_NAME);
        Files.writeString(conf, "port = 1\nlisten_addresses = '*'\n");

        server.start(STEP);

        assertThat(Files.readString(conf)).contains("port = '" + server.settings().port() + "'")
                .doesNotContain("port = 1\n");
        assertThat(server.probe(Duration.ofSeconds(5)).reachable()).isTrue();
    }

    @Test
    void aStartThatFailsQuotesTheServerLog() throws IOException {
        server.stop(StopMode.FAST, STEP);
        ServerSettings s = server.settings();
        PostgresServer misconfigured = pg.server(new ServerSettings(s.nodeName(), s.host(), s.port(), s.dataDir(),
                s.binDir(), s.logFile(), s.osUser(), s.superuser(), s.superuserPassword(), s.replicationUser(),
                s.replicationPassword(), java.util.Map.of("shared_buffers", "lots"), s.hba()));

        assertThatThrownBy(() -> misconfigured.start(Duration.ofSeconds(20)))
                .isInstanceOf(PostgresException.class)
                .hasMessageStartingWith("pg_ctl start failed with exit code 1")
                .hasMessageContaining("server log " + s.logFile() + " ends with:")
                .hasMessageContaining("invalid value for parameter \"shared_buffers\": \"lots\"");
        assertThat(misconfigured.isRunning()).isFalse();
    }

    @Test
    void slotsAreMadeAndDroppedIdempotently() throws SQLException {
        String slots = "SELECT slot_name || ' ' || slot_type || ' ' || (restart_lsn IS NOT NULL)"
                + " FROM pg_replication_slots";

        server.ensureSlot("pgsql7");
        server.ensureSlot("pgsql7");
        assertThat(Sql.column(server, slots)).containsExactly("pgsql7 physical true");

        server.dropSlot("pgsql7");
        server.dropSlot("pgsql7");
        assertThat(Sql.column(server, slots)).isEmpty();
        assertThatThrownBy(() -> server.ensureSlot("Bad-Name")).hasMessageContaining("lower-case letters");
    }

    @Test
    void aBaseBackupIntoANonEmptyDirectoryIsRefusedUntilItIsMovedAside() throws IOException, SQLException {
        PostgresServer other = pg.server(pg.settings("pgsql9"));
        Path data = other.settings().dataDir();
        Files.createDirectories(data);
        Files.writeString(data.resolve("precious.txt"), "keep me");

        assertThatThrownBy(() -> other.baseBackupFrom("127.0.0.1", server.settings().port(), "pgsql9",
                ProgressListener.NONE))
                .isInstanceOf(PostgresException.class)
                .hasMessageContaining(data + " is not empty")
                .hasMessageContaining("precious.txt")
                .hasMessageContaining("moveDataDirAside");
        assertThat(data.resolve("precious.txt")).hasContent("keep me");
        assertThat(Sql.column(server, "SELECT slot_name FROM pg_replication_slots")).doesNotContain("pgsql9");

        Path aside = other.moveDataDirAside().orElseThrow();

        assertThat(data).doesNotExist();
        assertThat(aside.getFileName().toString()).startsWith("data.old-");
        assertThat(aside.resolve("precious.txt")).hasContent("keep me");
        assertThat(other.moveDataDirAside()).isEmpty();
        assertThatThrownBy(() -> other.removeDir(pg.root)).hasMessageContaining("refusing to remove");
        other.removeDir(aside);
        assertThat(aside).doesNotExist();
    }

    @Test
    void promotingAPrimaryDoesNothing() {
        assertThat(server.promote(Duration.ofSeconds(10))).isEqualTo(Duration.ZERO);
        assertThat(server.isConfiguredAsStandby()).isFalse();
        assertThat(server.timeline(Duration.ofSeconds(5))).isEqualTo(1);
    }

    @Test
    void startWithoutADataDirectorySaysHowToMakeOne() throws IOException {
        PostgresServer empty = pg.server(pg.settings("pgsql8"));

        assertThatThrownBy(() -> empty.start(STEP)).isInstanceOf(PostgresException.class)
                .hasMessageContaining("not a data directory").hasMessageContaining("initPrimary");
        assertThat(List.of(empty.isInitialized(), empty.isRunning())).containsExactly(false, false);
    }
}
