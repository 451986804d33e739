package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.BackupInfo;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.RestartRequest;
import io.raftpool.server.postgres.StopMode;
import io.raftpool.server.state.ClusterStates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The WAL archive (issue 16, part 2): every server archives as a primary into one directory and
 * restores from it. A standby that fell behind what the primary keeps catches up from it instead
 * of needing a new copy; after a failover the archive goes on on the new timeline and the
 * replaced primary archives nothing.
 */
class ArchiveIT {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(90);

    /** Small WAL limits, so that a few inserts take the primary past what it keeps for a stopped standby. */
    private static LocalCluster startWithSmallWal(String name) {
        return LocalCluster.start(LocalCluster.options().name(name).archive().set("postgres", "parameters",
                Map.of("wal_keep_size", "0", "max_slot_wal_keep_size", "32MB", "max_wal_size", "32MB",
                        "min_wal_size", "32MB")));
    }

    /** raftpool's own WAL settings: a standby keeps wal_keep_size of WAL, which a promoted one archives from. */
    private static LocalCluster start(String name) {
        return LocalCluster.start(LocalCluster.options().name(name).archive());
    }

    @Test
    void aStandbyThatFellBehindWhatThePrimaryKeepsCatchesUpFromTheArchive() throws Exception {
        try (LocalCluster cluster = startWithSmallWal("archive")) {
            cluster.awaitHealthy(START);
            FailoverIT.execute(cluster, 0, "create table big (id int, pad text)");
            cluster.postgres(1).stop(StopMode.FAST, BUDGET);
            String standbyNeeds = FailoverIT.query(cluster, 0, "select pg_walfile_name(pg_current_wal_lsn())");
            for (int i = 0; i < 8; i++) {
                FailoverIT.execute(cluster, 0, "insert into big select g, repeat('x', 1000) from generate_series(1, 12000) g;"
                        + " select pg_switch_wal(); checkpoint");
            }
            cluster.awaitState("the segment the standby needs archived", BUDGET, st -> archived(cluster).contains(standbyNeeds));
            FailoverIT.execute(cluster, 0, "checkpoint");
            assertThat(FailoverIT.query(cluster, 0, "select count(*) from pg_ls_waldir() where name = '" + standbyNeeds + "'"))
                    .as("the primary recycled the segment the stopped standby needs next").isEqualTo("0");
            String rows = FailoverIT.query(cluster, 0, "select count(*) from big");

            cluster.postgres(1).start(BUDGET);
            cluster.awaitState("node 1 streams again and is up", BUDGET, st -> ClusterStates.backend(st, 1)
                    .map(b -> b.getStatus() == io.raftpool.proto.BackendStatus.UP && b.getReplicationState().equals("streaming"))
                    .orElse(false));
            cluster.awaitState("node 1 replayed every row", BUDGET,
                    st -> FailoverIT.query(cluster, 1, "select count(*) from big").equals(rows));
            assertThat(Files.readString(cluster.postgres(1).settings().logFile()))
                    .as("node 1's server log").contains("restored log file \"" + standbyNeeds + "\" from archive");
        }
    }

    @Test
    void afterAFailoverTheArchiveGoesOnOnTheNewTimelineAndTheOldPrimaryArchivesNothing() throws Exception {
        try (LocalCluster cluster = start("archivefailover")) {
            cluster.awaitHealthy(START);
            FailoverIT.execute(cluster, 0, "create table t (id int); insert into t values (1); select pg_switch_wal()");
            cluster.awaitState("node 0 archives on timeline 1", BUDGET, st -> !onTimeline(archived(cluster), 1).isEmpty());
            // node 0's archiver falls behind (it cannot write for now) and node 0 dies: a hole in the archive
            // that only the segments node 1 received can fill
            Path dir = cluster.config().archive().directory().orElseThrow();
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
            String unarchived = FailoverIT.query(cluster, 0, "select pg_walfile_name(pg_current_wal_lsn())");
            FailoverIT.execute(cluster, 0, "insert into t values (1); select pg_switch_wal()");
            FailoverIT.execute(cluster, 0, "insert into t values (1); select pg_switch_wal()");
            FailoverIT.awaitRows(cluster, 1, 3);
            cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            assertThat(archived(cluster)).doesNotContain(unarchived);

            cluster.awaitState("node 1 promoted", BUDGET,
                    st -> st.getPrimary().getNodeId() == 1 && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
            cluster.awaitState("node 1 archived what node 0 had not", BUDGET, st -> archived(cluster).contains(unarchived));
            FailoverIT.execute(cluster, 1, "insert into t values (2); select pg_switch_wal()");
            cluster.awaitState("node 1 archives on timeline 2", BUDGET, st -> archived(cluster).contains("00000002.history")
                    && onTimeline(archived(cluster), 2).stream().anyMatch(f -> f.length() == 24));
            Set<String> timelineOne = onTimeline(archived(cluster), 1);
            // a write the new primary never had, so that the recovery must rewind (with --restore-target-wal)
            DivergentWal.writeWhileDown(cluster, 0, "insert into t values (99)");

            ActionReply reply = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(0).setWait(true)
                    .setTimeoutMs(BUDGET.toMillis()).build());
            assertThat(reply.getAccepted()).as(reply.getMessage()).isTrue();
            assertThat(reply.getMessage()).contains("pg_rewind");
            cluster.awaitHealthy(BUDGET);
            int before = onTimeline(archived(cluster), 2).size();
            FailoverIT.execute(cluster, 1, "insert into t values (3); select pg_switch_wal()");
            cluster.awaitState("node 1 goes on archiving", BUDGET, st -> onTimeline(archived(cluster), 2).size() > before);
            FailoverIT.awaitRows(cluster, 0, 5);
            assertThat(onTimeline(archived(cluster), 1)).as("what the replaced primary's timeline has in the archive")
                    .isEqualTo(timelineOne);
            assertThat(FailoverIT.query(cluster, 0, "select pg_is_in_recovery()")).isEqualTo("t");
            assertThat(FailoverIT.query(cluster, 0, "select count(*) from t where id = 99")).isEqualTo("0");
        }
    }

    /**
     * raftpool backup takes a base backup of a standby into the archive; recovery-node
     * --from-backup rebuilds a server from it and the archive, not from the primary, and loses
     * nothing written after the backup.
     */
    @Test
    void aServerRebuiltFromTheLatestBackupReplaysTheArchiveAndStreams() throws Exception {
        try (LocalCluster cluster = start("archivebackup")) {
            cluster.awaitHealthy(START);
            FailoverIT.execute(cluster, 0, "create table t (id int); insert into t select generate_series(1, 1000)");
            ActionReply incremental = cluster.admin().backup(RestartRequest.newBuilder().setNodeId(-1)
                    .setBackupType("incr").build());
            assertThat(incremental.getAccepted()).isFalse();
            assertThat(incremental.getMessage()).isEqualTo("--type incr needs archive.pgbackrest: archive.directory"
                    + " keeps full copies (pg_basebackup) only; allowed here: full");
            ActionReply backup = cluster.admin().backup(RestartRequest.newBuilder().setNodeId(-1).setBy("ArchiveIT")
                    .setWait(true).setTimeoutMs(BUDGET.toMillis()).build());
            assertThat(backup.getAccepted()).as(backup.getMessage()).isTrue();
            BackupInfo taken = cluster.state().orElseThrow().getBackups(0);
            assertThat(taken.getNodeId()).as("taken from the standby").isEqualTo(1);
            assertThat(backup.getMessage()).startsWith("base backup " + taken.getLabel() + " of node 1 done");
            Path dir = cluster.config().archive().directory().orElseThrow().resolve("backups").resolve(taken.getLabel());
            assertThat(dir.resolve("backup_label")).exists();
            assertThat(taken.getTimeline()).isEqualTo(1);

            for (int i = 0; i < 3; i++) {
                FailoverIT.execute(cluster, 0, "insert into t select generate_series(1, 1000); select pg_switch_wal()");
            }
            String rows = FailoverIT.query(cluster, 0, "select count(*) from t");
            cluster.awaitState("the archive holds the WAL written after the backup", BUDGET,
                    st -> onTimeline(archived(cluster), 1).size() >= 4);

            ActionReply recovery = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(1).setFromBackup(true)
                    .setWait(true).setTimeoutMs(BUDGET.toMillis()).build());
            assertThat(recovery.getAccepted()).as(recovery.getMessage()).isTrue();
            assertThat(recovery.getMessage()).contains("rebuilt with backup " + taken.getLabel());
            cluster.awaitState("node 1 has every row", BUDGET,
                    st -> FailoverIT.query(cluster, 1, "select count(*) from t").equals(rows));
            assertThat(Files.readString(cluster.postgres(1).settings().logFile()))
                    .as("node 1's server log").contains("restored log file");
        }
    }

    private static Set<String> archived(LocalCluster cluster) {
        Path dir = cluster.config().archive().directory().orElseThrow();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> onTimeline(Set<String> files, int timeline) {
        String prefix = String.format("%08X", timeline);
        return files.stream().filter(f -> f.startsWith(prefix) && !f.endsWith(".part")).collect(Collectors.toSet());
    }
}
