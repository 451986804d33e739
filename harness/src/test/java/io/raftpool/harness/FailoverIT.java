package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.StopMode;
import io.raftpool.server.state.ClusterStates;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import io.raftpool.api.AdminClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Automatic failover with real PostgreSQL servers and agents (issue: failover with fencing). */
class FailoverIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(30);

    @Test
    void theWholePrimaryNodeLostIsReplacedAfterTheFencingWindow() {
        LocalCluster cluster = SHARED.cluster();
        long epoch = cluster.awaitHealthy(START).getPrimary().getEpoch();
        cluster.agent(0).kill();
        cluster.postgres(0).kill();
        ClusterState s = cluster.awaitState("node 1 promoted", BUDGET, FailoverIT::nodeOneActive);
        assertThat(s.getPrimary().getEpoch()).isEqualTo(epoch + 1);
        assertThat(ClusterStates.backend(s, 0).orElseThrow().getStatus()).isEqualTo(BackendStatus.DOWN);
        List<Event> starts = failoverStarts(s).stream().filter(e -> e.getSeq() >= SHARED.firstEventOfThisTest()).toList();
        assertThat(starts).hasSize(1);
        assertThat(starts.get(0).getMessage()).contains("its own agent is silent");
        assertThat(query(cluster, 1, "select pg_is_in_recovery()")).isEqualTo("f");

        // the old node's agent comes back knowing only that node 0 was the primary; asked at
        // once, it must judge recovery-node against the current state, not its own old one
        cluster.agent(0).start();
        String agent0 = cluster.config().requireNode(0).adminAddress();
        cluster.awaitState("agent 0 answering", START, st -> cluster.admin().getRaftInfo(agent0).getNodeId() == 0);
        ActionReply r;
        try (AdminClient client = AdminClient.connect(agent0, List.of(agent0), Duration.ofSeconds(90))) {
            r = client.recoverNode(NodeRequest.newBuilder().setNodeId(0).setWait(true).setTimeoutMs(60_000).build());
        }
        assertThat(r.getAccepted()).as(r.getMessage()).isTrue();
        assertThat(r.getMessage()).contains("streaming from node 1");
        cluster.awaitHealthy(BUDGET);
    }

    @Test
    void aFailoverSurvivesTheDeathOfTheLeaderHalfWayAndHappensOnce() {
        ClusterOptions options = LocalCluster.options().name("midfail")
                .set("hooks", "before_promote", "sleep 2"); // widens the window in which to kill the leader
        try (LocalCluster cluster = LocalCluster.start(options)) {
            cluster.awaitHealthy(START);
            int leader = leaderOtherThan(cluster, 1);
            cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
            cluster.awaitState("failover in progress", BUDGET, st -> st.getPrimary().getPhase() == PrimaryPhase.PROMOTING);
            cluster.agent(leader).kill();
            ClusterState s = cluster.awaitState("node 1 promoted", BUDGET, FailoverIT::nodeOneActive);
            assertThat(s.getPrimary().getEpoch()).isEqualTo(2);
            assertThat(failoverStarts(s)).hasSize(1);
            assertThat(s.getEventsList()).anyMatch(e -> e.getKind().equals("leader") && e.getNodeId() != leader);
            assertThat(query(cluster, 1, "select pg_is_in_recovery()")).isEqualTo("f");
            cluster.agent(leader).start();
            // START: a member that does not follow once back restarts itself (FollowWatch), which takes a while
            ClusterState later = cluster.awaitState("killed agent back", START,
                    st -> cluster.admin().getRaftInfo(cluster.config().requireNode(leader).adminAddress())
                            .getAppliedIndex() > 0);
            assertThat(later.getPrimary().getEpoch()).isEqualTo(2);
        }
    }

    @Test
    void withThreeServersTheRemainingStandbyFollowsTheNewPrimaryAndHooksRun() throws Exception {
        ClusterOptions options = LocalCluster.options().name("three").postgresNodes(3).witnesses(0)
                .set("hooks", "after_failover", "echo promoted {new_primary_id} at {epoch} replacing {failed_node_id}")
                .set("hooks", "follow_primary", "echo node {node_id} follows {new_primary_host}:{new_primary_port}");
        try (LocalCluster cluster = LocalCluster.start(options)) {
            cluster.awaitHealthy(START);
            execute(cluster, 0, "create table t (id int); insert into t values (1)");
            cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
            ClusterState s = cluster.awaitState("a standby promoted", BUDGET,
                    st -> st.getPrimary().getPhase() == PrimaryPhase.ACTIVE && st.getPrimary().getNodeId() != 0);
            int newPrimary = s.getPrimary().getNodeId();
            int other = newPrimary == 1 ? 2 : 1;
            cluster.awaitState("node " + other + " streaming from node " + newPrimary, BUDGET,
                    st -> ClusterStates.backend(st, other).map(b -> b.getStatus() == BackendStatus.UP
                            && b.getReplicationState().equals("streaming") && b.getTimeline() == 2).orElse(false));
            assertThat(query(cluster, newPrimary, "select application_name from pg_stat_replication"))
                    .isEqualTo("pgsql" + (other + 1));
            execute(cluster, newPrimary, "insert into t values (2)");
            awaitRows(cluster, other, 2);
            ClusterState last = cluster.awaitState("hooks recorded", BUDGET, st -> st.getEventsList().stream()
                    .filter(e -> e.getKind().equals("hook")).count() >= 2);
            assertThat(last.getEventsList()).anyMatch(e -> e.getKind().equals("hook")
                    && e.getMessage().contains("after_failover succeeded") && e.getNodeId() == newPrimary);
            assertThat(last.getEventsList()).anyMatch(e -> e.getKind().equals("hook")
                    && e.getMessage().contains("follow_primary succeeded") && e.getNodeId() == other);
        }
    }

    @Test
    void promoteNodeIsRefusedWithAReasonOrCarriedOut() {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        ActionReply primaryAlready = cluster.admin().promoteNode(NodeRequest.newBuilder().setNodeId(0).build());
        assertThat(primaryAlready.getAccepted()).isFalse();
        assertThat(primaryAlready.getMessage()).contains("node 0 is the primary already");
        ActionReply witness = cluster.admin().promoteNode(NodeRequest.newBuilder().setNodeId(2).build());
        assertThat(witness.getMessage()).contains("witness");
        ActionReply unknown = cluster.admin().promoteNode(NodeRequest.newBuilder().setNodeId(7).build());
        assertThat(unknown.getMessage()).contains("node 7 is not in the cluster");

        ActionReply promoted = cluster.admin().promoteNode(NodeRequest.newBuilder().setNodeId(1).setWait(true)
                .setTimeoutMs(30_000).build());
        assertThat(promoted.getAccepted()).as(promoted.getMessage()).isTrue();
        ClusterState s = cluster.awaitState("old primary stopped", BUDGET,
                st -> nodeOneActive(st) && !cluster.postgres(0).isRunning());
        assertThat(ClusterStates.backend(s, 0).orElseThrow().getNeedsRecovery()).isTrue();
        ActionReply deadOne = cluster.admin().promoteNode(NodeRequest.newBuilder().setNodeId(0).build());
        assertThat(deadOne.getAccepted()).isFalse();
        assertThat(deadOne.getMessage()).contains("node 0 is down");
    }

    static boolean nodeOneActive(ClusterState s) {
        return s.getPrimary().getNodeId() == 1 && s.getPrimary().getPhase() == PrimaryPhase.ACTIVE;
    }

    static List<Event> failoverStarts(ClusterState s) {
        return s.getEventsList().stream().filter(e -> e.getMessage().startsWith("failover begins")).toList();
    }

    /**
     * The current leader, after moving leadership away from {@code avoid} by restarting its agent
     * cleanly (a restart window: no failover even when {@code avoid} runs the primary).
     */
    static int leaderOtherThan(LocalCluster cluster, int avoid) {
        for (int attempt = 0; attempt < 5; attempt++) {
            cluster.awaitState("a leader", BUDGET, st -> cluster.raftLeader() >= 0);
            int leader = cluster.raftLeader();
            if (leader != avoid) {
                return leader;
            }
            cluster.agent(avoid).stop(Duration.ofSeconds(20));
            cluster.awaitState("a new leader", BUDGET, st -> cluster.raftLeader() >= 0 && cluster.raftLeader() != avoid);
            cluster.agent(avoid).start();
            cluster.awaitState("agent " + avoid + " back in the group", BUDGET, st -> cluster.admin()
                    .getRaftInfo(cluster.config().requireNode(avoid).adminAddress()).getLeaderId() >= 0);
        }
        throw new AssertionError("leadership stayed on node " + avoid);
    }


    static String query(LocalCluster cluster, int node, String sql) {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(node));
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new AssertionError("query on node " + node + " failed: " + e.getMessage(), e);
        }
    }

    static void execute(LocalCluster cluster, int node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(node))) {
            c.createStatement().execute(sql);
        }
    }

    static void awaitRows(LocalCluster cluster, int node, int rows) {
        cluster.awaitState("node " + node + " replays " + rows + " rows", BUDGET,
                st -> query(cluster, node, "select count(*) from t").equals(Integer.toString(rows)));
    }
}
