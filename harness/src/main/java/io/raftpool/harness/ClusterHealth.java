package io.raftpool.harness;

import io.raftpool.proto.RaftInfo;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;

/** Whether a committed cluster state is healthy, and how a state reads in progress lines and failure messages. */
public final class ClusterHealth {
    private ClusterHealth() {}

    /** One primary active, every server up, every standby streaming. */
    public static boolean healthy(ClusterState s) {
        if (s.getPrimary().getPhase() != PrimaryPhase.ACTIVE || s.getBackendsCount() == 0) {
            return false;
        }
        for (Backend b : s.getBackendsList()) {
            if (b.getStatus() != BackendStatus.UP) {
                return false;
            }
            if (b.getRole() == BackendRole.STANDBY && !"streaming".equals(b.getReplicationState())) {
                return false;
            }
        }
        return true;
    }

    /** What awaitHealthy waits for, named in its failure message. */
    static final String HEALTHY = "a healthy cluster (primary active, all servers up and streaming, every agent a Raft"
            + " voter that can vote and has taken its start-up decision)";

    /**
     * Every node of {@code s} is a voter of a settled Raft configuration as its own agent reports it
     * ({@code raftInfo} by node id, empty when it does not answer), able to vote (not initializing), and has taken its start-up
     * decision: a new cluster grows its Raft group after it has a primary, a joint configuration
     * still needs the old voters to elect, and an agent just (re)started may still start its server.
     */
    static boolean everyAgentSettled(ClusterState s, java.util.function.IntFunction<java.util.Optional<RaftInfo>> raftInfo) {
        for (io.raftpool.proto.NodeInfo n : s.getNodesList()) {
            java.util.Optional<RaftInfo> info = raftInfo.apply(n.getId());
            if (info.isEmpty() || info.get().getVotersCount() != s.getNodesCount()
                    || !info.get().getVotersList().contains(n.getId()) || !info.get().getConfigurationSettled()
                    || !info.get().getStartupReconciled() || info.get().getInitializing()) {
                return false;
            }
        }
        return true;
    }

    /** Primary, epoch, phase and every server's status and role on one line, for progress lines. */
    public static String stateLine(ClusterState s) {
        StringBuilder b = new StringBuilder("primary node " + s.getPrimary().getNodeId() + " epoch "
                + s.getPrimary().getEpoch() + " " + s.getPrimary().getPhase());
        for (Backend be : s.getBackendsList()) {
            b.append("; node ").append(be.getNodeId()).append(' ').append(be.getStatus()).append('/').append(be.getRole())
                    .append(be.getReplicationState().isEmpty() ? "" : "/" + be.getReplicationState())
                    .append(be.getNeedsRecovery() ? "/needs-recovery" : "");
        }
        return b.toString();
    }

    /** A state with its last events, for failure messages. */
    public static String summary(ClusterState s) {
        StringBuilder b = new StringBuilder(stateLine(s));
        int from = Math.max(0, s.getEventsCount() - 6);
        b.append("; last events:");
        for (int i = from; i < s.getEventsCount(); i++) {
            b.append("\n    [").append(s.getEvents(i).getKind()).append("] ").append(s.getEvents(i).getMessage());
        }
        return b.toString();
    }
}
