package io.raftpool.harness;

import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.ParameterChange;
import io.raftpool.proto.PauseRequest;
import io.raftpool.proto.SetParametersRequest;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.SwitchoverRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Puts a cluster a test has used back in its starting shape, through the same commands an
 * operator would use: dead processes started again, every server that is not up rebuilt with
 * recovery-node, a switchover back to the first PostgreSQL node, and the public schema emptied.
 * Throws when that does not work; the caller then starts a new cluster.
 */
final class ClusterReset {
    private static final Duration STEP = Duration.ofSeconds(60);

    private ClusterReset() {
    }

    static ClusterState reset(LocalCluster cluster) {
        cluster.agents().values().forEach(ManagedProcess::start);
        cluster.proxies().values().forEach(ManagedProcess::start);
        // a test that paused the cluster (maintenance mode) leaves no failover to happen by itself
        if (cluster.awaitState("a committed state", STEP, st -> true).hasMaintenance()) {
            require(cluster.admin().resume(PauseRequest.newBuilder().setBy("harness").setReason("reset for the next test")
                    .build()), "resume");
        }
        ClusterState logged = cluster.awaitState("a committed state", STEP, st -> true);
        if (logged.getParametersCount() > 0) {
            SetParametersRequest.Builder reset = SetParametersRequest.newBuilder().setBy("harness").setWait(true)
                    .setTimeoutMs(STEP.toMillis());
            logged.getParametersList().forEach(p -> reset.addChanges(ParameterChange.newBuilder().setName(p.getName())
                    .setNodeId(p.getNodeId()).setReset(true)));
            require(cluster.admin().setParameters(reset.build()), "reset of the logged settings");
        }
        ClusterState s = cluster.awaitState("an active primary", STEP,
                st -> st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
        boolean rebuild = s.getBackendsList().stream().anyMatch(b -> b.getStatus() != BackendStatus.UP
                || b.getNeedsRecovery());
        if (rebuild) {
            // a rebuilt standby copies from the primary: after a test that killed every agent, the
            // primary's watchdog fenced it, and its agent, just started again, has yet to restart it
            s = cluster.awaitState("the primary up and answering", STEP, st -> st.getPrimary().getPhase()
                    == PrimaryPhase.ACTIVE && st.getBackendsList().stream().anyMatch(b -> b.getNodeId()
                    == st.getPrimary().getNodeId() && b.getStatus() == BackendStatus.UP)
                    && answers(cluster, st.getPrimary().getNodeId()));
        }
        for (Backend b : s.getBackendsList()) {
            if (b.getNodeId() != s.getPrimary().getNodeId() && (b.getStatus() != BackendStatus.UP || b.getNeedsRecovery())) {
                require(cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(b.getNodeId()).setWait(true)
                        .setTimeoutMs(STEP.toMillis()).build()), "recovery-node " + b.getNodeId());
            }
        }
        int first = firstPostgresNode(cluster);
        s = cluster.awaitHealthy(STEP);
        if (s.getPrimary().getNodeId() != first) {
            require(cluster.admin().switchover(SwitchoverRequest.newBuilder().setTarget(first).setWait(true)
                    .setTimeoutMs(STEP.toMillis()).build()), "switchover to node " + first);
            s = cluster.awaitState("node " + first + " the primary of a healthy cluster", STEP,
                    st -> ClusterHealth.healthy(st) && st.getPrimary().getNodeId() == first);
        }
        emptyPublicSchema(cluster, first);
        return s;
    }

    private static int firstPostgresNode(LocalCluster cluster) {
        return cluster.config().nodes().stream().filter(n -> n.postgres().isPresent()).mapToInt(NodeConfig::id)
                .min().orElseThrow(() -> new HarnessException("the cluster has no PostgreSQL node"));
    }

    private static void require(ActionReply reply, String what) {
        if (!reply.getAccepted()) {
            throw new HarnessException(what + " refused: " + reply.getMessage());
        }
    }

    private static boolean answers(LocalCluster cluster, int node) {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(node) + "&connectTimeout=2")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void emptyPublicSchema(LocalCluster cluster, int primary) {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(primary))) {
            c.createStatement().execute("drop schema public cascade; create schema public");
        } catch (SQLException e) {
            throw new HarnessException("cannot empty the public schema on node " + primary + ": " + e.getMessage(), e);
        }
    }
}
