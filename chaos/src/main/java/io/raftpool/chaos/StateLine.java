package io.raftpool.chaos;

import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;

/** A committed state on one line, for progress lines and summaries. */
public final class StateLine {
    private StateLine() {}

    public static String of(ClusterState s) {
        StringBuilder b = new StringBuilder("primary node " + s.getPrimary().getNodeId() + " epoch "
                + s.getPrimary().getEpoch() + " " + s.getPrimary().getPhase());
        for (Backend be : s.getBackendsList()) {
            b.append("; node ").append(be.getNodeId()).append(' ').append(be.getStatus()).append('/').append(be.getRole())
                    .append(be.getReplicationState().isEmpty() ? "" : "/" + be.getReplicationState())
                    .append(be.getNeedsRecovery() ? "/needs-recovery" : "");
        }
        return b.toString();
    }
}
