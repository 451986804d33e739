package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.StopMode;
import io.raftpool.server.state.ClusterStates;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Online recovery (recovery-node), auto_rejoin. */
class RecoveryIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Test
    void backupsAndRecoveryFromABackupAreRefusedWithoutAnArchive() {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        ActionReply recovery = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(1).setFromBackup(true).build());
        assertThat(recovery.getAccepted()).isFalse();
        assertThat(recovery.getMessage()).startsWith("recovery-node --from-backup needs a WAL archive");
        ActionReply backup = cluster.admin().backup(io.raftpool.proto.RestartRequest.newBuilder().setNodeId(-1).build());
        assertThat(backup.getAccepted()).isFalse();
        assertThat(backup.getMessage()).startsWith("raftpool backup needs a WAL archive");
        assertThat(cluster.state().orElseThrow().getRecoveriesList()).isEmpty();
    }

    @Test
    void recoveryNodeRewindsTheOldPrimaryIntoAStandbyOfTheNewOne() throws SQLException {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        FailoverIT.execute(cluster, 0, "create table t (id int); insert into t values (1)");
        failOver(cluster);
        FailoverIT.execute(cluster, 1, "insert into t values (2)");
        DivergentWal.writeWhileDown(cluster, 0, "insert into t values (99)");

        ActionReply reply = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(0).setWait(true)
                .setTimeoutMs(BUDGET.toMillis()).build());
        assertThat(reply.getAccepted()).as(reply.getMessage()).isTrue();
        assertThat(reply.getMessage()).contains("pg_rewind");
        ClusterState s = cluster.awaitHealthy(BUDGET);
        Backend zero = ClusterStates.backend(s, 0).orElseThrow();
        assertThat(zero.getNeedsRecovery()).isFalse();
        assertThat(FailoverIT.query(cluster, 0, "select pg_is_in_recovery()")).isEqualTo("t");
        FailoverIT.awaitRows(cluster, 0, 2);
        assertThat(FailoverIT.query(cluster, 0, "select count(*) from t where id = 99")).isEqualTo("0");
        assertThat(FailoverIT.query(cluster, 1, "select application_name from pg_stat_replication")).isEqualTo("pgsql1");

        ActionReply again = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(1).build());
        assertThat(again.getAccepted()).isFalse();
        assertThat(again.getMessage()).contains("node 1 is the primary");
    }

    @Test
    void anOldPrimaryWhoseWalDidNotDivergeFollowsTheNewTimelineWithoutRewind() throws SQLException {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        FailoverIT.execute(cluster, 0, "create table t (id int); insert into t values (1)");
        FailoverIT.awaitRows(cluster, 1, 1);
        // everything node 0 wrote reached node 1 before it stopped: nothing to rewind
        failOver(cluster);
        FailoverIT.execute(cluster, 1, "insert into t values (2)");

        ActionReply reply = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(0).setWait(true)
                .setTimeoutMs(BUDGET.toMillis()).build());
        assertThat(reply.getAccepted()).as(reply.getMessage()).isTrue();
        assertThat(reply.getMessage()).contains("timeline switch (no rewind needed)");
        cluster.awaitHealthy(BUDGET);
        assertThat(FailoverIT.query(cluster, 0, "select pg_is_in_recovery()")).isEqualTo("t");
        FailoverIT.awaitRows(cluster, 0, 2);
        FailoverIT.execute(cluster, 1, "insert into t values (3)");
        FailoverIT.awaitRows(cluster, 0, 3);
    }

    @Test
    void whenRewindCannotWorkItCopiesWithBasebackupAndKeepsTheOldDirectoryUntilUp() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        failOver(cluster);
        // a damaged data directory: pg_rewind refuses it
        Files.delete(cluster.postgres(0).settings().dataDir().resolve("global/pg_control"));

        ActionReply reply = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(0).setWait(true)
                .setTimeoutMs(BUDGET.toMillis()).build());
        assertThat(reply.getAccepted()).as(reply.getMessage()).isTrue();
        assertThat(reply.getMessage()).contains("pg_basebackup");
        cluster.awaitHealthy(BUDGET);
        try (var siblings = Files.list(cluster.postgres(0).settings().dataDir().getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("data.old-"));
        }
        ClusterState s = cluster.state().orElseThrow();
        assertThat(s.getEventsList()).anyMatch(e -> e.getSeq() >= SHARED.firstEventOfThisTest()
                && e.getMessage().contains("recovery of node 0: basebackup"));
    }

    /**
     * A standby that crashed is brought back by recovery-node and can then be promoted: the
     * rebuild must not give it WAL of its own on the primary's timeline (a pg_rewind after
     * single-user crash recovery did, and the standby PANICked at promotion).
     */
    @Test
    void aStandbyThatCrashedIsRecoveredAndThenTakesOverIntact() throws SQLException {
        LocalCluster cluster = SHARED.cluster();
        FailoverIT.execute(cluster, 0, "create table t (id int); insert into t values (1)");
        FailoverIT.awaitRows(cluster, 1, 1);
        cluster.postgres(1).stop(StopMode.IMMEDIATE, BUDGET);
        cluster.awaitState("node 1 down", BUDGET, st -> ClusterStates.backend(st, 1).orElseThrow().getStatus()
                == BackendStatus.DOWN);
        FailoverIT.execute(cluster, 0, "insert into t values (2)");

        ActionReply reply = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(1).setWait(true)
                .setTimeoutMs(BUDGET.toMillis()).build());
        assertThat(reply.getAccepted()).as(reply.getMessage()).isTrue();
        cluster.awaitHealthy(BUDGET);
        FailoverIT.awaitRows(cluster, 1, 2);

        cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
        cluster.awaitState("node 1 promoted", BUDGET,
                st -> st.getPrimary().getNodeId() == 1 && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
        assertThat(FailoverIT.query(cluster, 1, "select count(*) from t")).isEqualTo("2");
        FailoverIT.execute(cluster, 1, "insert into t values (3)");
    }

    @Test
    void aRecoveryOutlivesTheLeaderAndNeverMarksAHalfBuiltServerUp() {
        ClusterOptions options = LocalCluster.options().name("recleader")
                .set("hooks", "before_recovery", "sleep 2");
        try (LocalCluster cluster = LocalCluster.start(options)) {
            cluster.awaitHealthy(START);
            failOver(cluster);
            int leader = FailoverIT.leaderOtherThan(cluster, 0);
            ActionReply started = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(0).build());
            assertThat(started.getAccepted()).as(started.getMessage()).isTrue();
            cluster.agent(leader).kill();
            ClusterState during = cluster.awaitState("recovery under way", BUDGET,
                    st -> st.getRecoveriesCount() == 0 || ClusterStates.backend(st, 0).orElseThrow().getStatus()
                            == BackendStatus.RECOVERING);
            if (during.getRecoveriesCount() > 0) {
                assertThat(ClusterStates.backend(during, 0).orElseThrow().getStatus()).isNotEqualTo(BackendStatus.UP);
            }
            ClusterState end = cluster.awaitState("recovery finished", BUDGET, st -> st.getRecoveriesCount() == 0);
            Backend zero = ClusterStates.backend(end, 0).orElseThrow();
            if (zero.getStatus() == BackendStatus.UP) {
                assertThat(FailoverIT.query(cluster, 0, "select status from pg_stat_wal_receiver")).isEqualTo("streaming");
            } else {
                assertThat(zero.getNeedsRecovery()).isTrue();
            }
            cluster.agent(leader).start();
        }
    }

    @Test
    void autoRejoinRebuildsAFailedPrimaryWithoutACommand() {
        ClusterOptions options = LocalCluster.options().name("autorejoin").set("failover", "auto_rejoin", true);
        try (LocalCluster cluster = LocalCluster.start(options)) {
            cluster.awaitHealthy(START);
            failOver(cluster);
            ClusterState s = cluster.awaitHealthy(BUDGET);
            assertThat(s.getPrimary().getNodeId()).isEqualTo(1);
            assertThat(s.getEventsList()).anyMatch(e -> e.getMessage().contains("(auto_rejoin)"));
            assertThat(FailoverIT.query(cluster, 0, "select pg_is_in_recovery()")).isEqualTo("t");
        }
    }

    static void failOver(LocalCluster cluster) {
        cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
        cluster.awaitState("node 1 promoted", BUDGET,
                st -> st.getPrimary().getNodeId() == 1 && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
    }
}
