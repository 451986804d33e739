package io.raftpool.server.local;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.ClusterStates;
import java.util.Optional;

/** The synchronous_standby_names a primary should have in sync mode. Pure. */
final class SyncSetting {
    private SyncSetting() {}

    /** Empty when this node is not the active primary or the cluster is not in sync mode. */
    static Optional<String> forPrimary(ClusterState s, int self, boolean strict) {
        if (!s.getSyncMode() || s.getPrimary().getNodeId() != self || s.getPrimary().getPhase() != PrimaryPhase.ACTIVE) {
            return Optional.empty();
        }
        return Optional.of(value(s, strict));
    }

    /** For a server just promoted: its committed target was cleared by the failover. */
    static Optional<String> forPromoted(ClusterState s, boolean strict) {
        return s.getSyncMode() ? Optional.of(strict ? "FIRST 1 (*)" : "") : Optional.empty();
    }

    /**
     * The committed target by its application_name (the node's name); with none, strict waits
     * for any standby (writes block until one connects), availability for nobody.
     */
    static String value(ClusterState s, boolean strict) {
        if (s.hasSyncTarget()) {
            return ClusterStates.node(s, s.getSyncTarget())
                    .map(n -> "FIRST 1 (\"" + n.getName() + "\")").orElse(strict ? "FIRST 1 (*)" : "");
        }
        return strict ? "FIRST 1 (*)" : "";
    }
}
