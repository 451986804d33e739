package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.BackupInfo;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.RestartRequest;
import io.raftpool.server.postgres.StopMode;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * archive.pgbackrest (issue 16, part 2): pgBackRest archives the primary's WAL and restores it on
 * standbys, raftpool backup takes full and incremental backups from a standby
 * (--backup-standby), recovery-node --from-backup restores the newest, and after a failover the
 * new primary archives on its timeline. Needs the pgbackrest program (./raftpool test installs it).
 */
class PgBackRestIT {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(90);

    @Test
    void fullAndIncrementalBackupsOfAStandbyAndARestoreOfTheNewest() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("pgbackrest").pgBackRest())) {
            cluster.awaitHealthy(START);
            FailoverIT.execute(cluster, 0, "create table t (id int); insert into t select generate_series(1, 1000);"
                    + " select pg_switch_wal()");
            awaitArchived(cluster, 0, "00000001");

            BackupInfo full = backup(cluster, "full");
            assertThat(full.getLabel()).matches("\\d{8}-\\d{6}F");
            assertThat(full.getNodeId()).as("taken from the standby").isEqualTo(1);
            assertThat(full.getTimeline()).isEqualTo(1);
            FailoverIT.execute(cluster, 0, "insert into t select generate_series(1, 1000)");
            BackupInfo incr = backup(cluster, "incr");
            assertThat(incr.getLabel()).matches("\\d{8}-\\d{6}F_\\d{8}-\\d{6}I").startsWith(full.getLabel());
            assertThat(incr.getSizeBytes()).isPositive();

            for (int i = 0; i < 3; i++) {
                FailoverIT.execute(cluster, 0, "insert into t select generate_series(1, 1000); select pg_switch_wal()");
            }
            String rows = FailoverIT.query(cluster, 0, "select count(*) from t");
            awaitArchived(cluster, 0, "00000001");
            ActionReply recovery = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(1).setFromBackup(true)
                    .setWait(true).setTimeoutMs(BUDGET.toMillis()).build());
            assertThat(recovery.getAccepted()).as(recovery.getMessage()).isTrue();
            assertThat(recovery.getMessage()).contains("rebuilt with backup " + incr.getLabel());
            cluster.awaitState("node 1 has every row", BUDGET,
                    st -> FailoverIT.query(cluster, 1, "select count(*) from t").equals(rows));
            assertThat(Files.readString(cluster.postgres(1).settings().logFile()))
                    .as("node 1's server log").contains("restored log file");
        }
    }

    @Test
    void afterAFailoverTheNewPrimaryArchivesOnItsTimeline() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("pgbackrestfail").pgBackRest())) {
            cluster.awaitHealthy(START);
            FailoverIT.execute(cluster, 0, "create table t (id int); insert into t values (1); select pg_switch_wal()");
            awaitArchived(cluster, 0, "00000001");
            FailoverIT.awaitRows(cluster, 1, 1);

            cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
            cluster.awaitState("node 1 promoted", BUDGET,
                    st -> st.getPrimary().getNodeId() == 1 && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
            FailoverIT.execute(cluster, 1, "insert into t values (2); select pg_switch_wal()");
            awaitArchived(cluster, 1, "00000002");
            assertThat(FailoverIT.query(cluster, 1, "select failed_count from pg_stat_archiver")).isEqualTo("0");
        }
    }

    private static BackupInfo backup(LocalCluster cluster, String type) {
        int before = cluster.state().orElseThrow().getBackupsCount();
        ActionReply reply = cluster.admin().backup(RestartRequest.newBuilder().setNodeId(-1).setBy("PgBackRestIT")
                .setBackupType(type).setWait(true).setTimeoutMs(BUDGET.toMillis()).build());
        assertThat(reply.getAccepted()).as(reply.getMessage()).isTrue();
        var backups = cluster.state().orElseThrow().getBackupsList();
        assertThat(backups).hasSize(before + 1);
        BackupInfo made = backups.get(backups.size() - 1);
        assertThat(made.getType()).isEqualTo(type);
        return made;
    }

    /** Until node's server archived a segment of the timeline, by pg_stat_archiver. */
    private static void awaitArchived(LocalCluster cluster, int node, String timelineHex) {
        cluster.awaitState("node " + node + " archives WAL of timeline " + timelineHex, BUDGET,
                st -> FailoverIT.query(cluster, node, "select coalesce(last_archived_wal, '') from pg_stat_archiver")
                        .startsWith(timelineHex));
    }
}
