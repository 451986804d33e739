package io.raftpool.server.local;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.Quorum;
import io.raftpool.server.state.ClusterStates;
import java.util.List;
import java.util.Optional;

/**
 * The synchronous_standby_names a primary should have in sync or quorum mode. Pure; the leader
 * compares what the primary shows with {@link #value} before it relies on it, so this is the one
 * definition of the text.
 */
public final class SyncSetting {
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
        if (!s.getSyncMode()) {
            return Optional.empty();
        }
        int quorum = s.getQuorum().getConfigured();
        return Optional.of(!strict ? "" : quorum > 0 ? "ANY " + quorum + " (*)" : "FIRST 1 (*)");
    }

    /**
     * Sync mode: the committed target by its application_name (the node's name); with none,
     * strict waits for any standby (writes block until one connects), availability for nobody.
     * Quorum mode: ANY wait_count of the committed wait_for; with none, as sync mode but ANY k.
     */
    public static String value(ClusterState s, boolean strict) {
        Quorum q = s.getQuorum();
        if (q.getConfigured() > 0) {
            List<String> names = q.getWaitForList().stream().map(id -> ClusterStates.node(s, id).map(NodeInfo::getName))
                    .flatMap(Optional::stream).map(n -> "\"" + n + "\"").toList();
            if (names.isEmpty() || q.getWaitCount() == 0) {
                return strict ? "ANY " + q.getConfigured() + " (*)" : "";
            }
            return "ANY " + q.getWaitCount() + " (" + String.join(", ", names) + ")";
        }
        if (s.hasSyncTarget()) {
            return ClusterStates.node(s, s.getSyncTarget())
                    .map(n -> "FIRST 1 (\"" + n.getName() + "\")").orElse(strict ? "FIRST 1 (*)" : "");
        }
        return strict ? "FIRST 1 (*)" : "";
    }
}
