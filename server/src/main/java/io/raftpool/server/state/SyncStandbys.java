package io.raftpool.server.state;

import static io.raftpool.server.state.EventLog.event;
import static io.raftpool.server.state.EventLog.withEvent;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.SetSyncStandbys;
import java.util.List;
import java.util.Optional;

/**
 * The committed synchronous standbys: the ones a failover may promote in sync mode (S3), and
 * the one the primary waits for. Pure, like {@link Transitions}.
 */
final class SyncStandbys {
    private SyncStandbys() {}

    static Optional<String> validate(ClusterState state, SetSyncStandbys s) {
        for (int id : s.getNodesList()) {
            Optional<String> p = NodeRefusals.requireBackend(state, id);
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    static ClusterState apply(ClusterState state, SetSyncStandbys s, long now) {
        List<Integer> nodes = s.getNodesList().stream().sorted().distinct().toList();
        boolean sameNodes = nodes.equals(state.getSyncStandbysList().stream().sorted().toList());
        boolean sameTarget = s.hasTarget() == state.hasSyncTarget()
                && (!s.hasTarget() || s.getTarget() == state.getSyncTarget());
        if (sameNodes && sameTarget) {
            return state;
        }
        ClusterState.Builder b = state.toBuilder().clearSyncStandbys().addAllSyncStandbys(nodes);
        if (s.hasTarget()) {
            b.setSyncTarget(s.getTarget());
        } else {
            b.clearSyncTarget();
        }
        String what = "synchronous standbys: " + (nodes.isEmpty() ? "none" : "nodes " + nodes) + ", primary waits for "
                + (s.hasTarget() ? "node " + s.getTarget() : "no standby");
        return withEvent(b, event(now, "sync", s.hasTarget() ? s.getTarget() : -1, state.getPrimary().getEpoch(),
                what + ": " + s.getReason())).build();
    }
}
