package io.raftpool.server.leader;

import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.Recovery;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** When the leader starts or abandons recoveries on its own. Pure. */
public final class RecoveryPolicy {
    private RecoveryPolicy() {}

    /**
     * auto_rejoin: servers that need recovery, whose agent is alive to carry it out, while a
     * primary is active to copy from.
     */
    public static List<Integer> toRejoin(ClusterState s, Liveness live) {
        List<Integer> ids = new ArrayList<>();
        if (s.getPrimary().getPhase() != PrimaryPhase.ACTIVE) {
            return ids;
        }
        for (Backend b : s.getBackendsList()) {
            boolean recovering = s.getRecoveriesList().stream().anyMatch(r -> r.getNodeId() == b.getNodeId());
            if (b.getNeedsRecovery() && !recovering && !b.getDetached() && b.getNodeId() != s.getPrimary().getNodeId()
                    && live.alive(b.getNodeId())) {
                ids.add(b.getNodeId());
            }
        }
        return ids;
    }

    /** Recoveries whose agent has been silent for longer than {@code stallMs}: nobody is carrying them out. */
    public static List<Integer> stalled(ClusterState s, Liveness live, long stallMs) {
        List<Integer> ids = new ArrayList<>();
        for (Recovery r : s.getRecoveriesList()) {
            OptionalLong heard = live.lastHeard(r.getNodeId());
            if (!live.alive(r.getNodeId()) && heard.isPresent() && live.nowMs() - heard.getAsLong() > stallMs) {
                ids.add(r.getNodeId());
            }
        }
        return ids;
    }
}
