package io.raftpool.server.leader;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.SetSyncStandbys;
import io.raftpool.server.state.ClusterStates;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which standby the primary waits for in sync mode, and when a standby counts as synchronous
 * (S3). A standby joins the committed synchronous set only after the primary reports it
 * synchronous, so it holds every acknowledged commit; the set is emptied before the primary is
 * told to stop waiting (availability), so no failover can pick a standby that missed commits.
 * Pure.
 */
public final class SyncPolicy {
    private SyncPolicy() {}

    /**
     * The next change, if any. {@code replication}: what the primary's pg_stat_replication shows
     * now, standby node id to its sync_state, for standbys that stream from it; empty when the
     * primary could not be asked — then nothing changes: a standby stops streaming when the
     * primary dies, and that is exactly when it must stay promotable.
     */
    public static Optional<SetSyncStandbys> next(ClusterState s, Optional<Map<Integer, String>> replication,
                                                 boolean strict) {
        if (!s.getSyncMode() || s.getPrimary().getPhase() != PrimaryPhase.ACTIVE || replication.isEmpty()) {
            return Optional.empty();
        }
        Map<Integer, String> streaming = replication.get();
        Optional<Integer> target = s.hasSyncTarget() ? Optional.of(s.getSyncTarget()) : Optional.empty();
        Optional<Integer> wanted = target.filter(t -> eligible(s, t, streaming)).or(() -> best(s, streaming));
        if (!wanted.equals(target)) {
            if (wanted.isEmpty()) {
                if (strict) {
                    return Optional.empty(); // keep waiting for the lost one: writes block until it is back
                }
                return Optional.of(SetSyncStandbys.newBuilder()
                        .setReason("no standby can be synchronous; writes go on without one (sync_policy availability)")
                        .build());
            }
            SetSyncStandbys.Builder b = SetSyncStandbys.newBuilder().addAllNodes(s.getSyncStandbysList())
                    .setTarget(wanted.get());
            return Optional.of(b.setReason(target.isEmpty() ? "node " + wanted.get() + " can be synchronous"
                    : "node " + target.get() + " cannot stay synchronous; switching to node " + wanted.get()).build());
        }
        if (target.isPresent() && "sync".equals(streaming.get(target.get()))
                && !s.getSyncStandbysList().equals(List.of(target.get()))) {
            return Optional.of(SetSyncStandbys.newBuilder().addNodes(target.get()).setTarget(target.get())
                    .setReason("the primary reports node " + target.get() + " synchronous").build());
        }
        return Optional.empty();
    }

    static boolean eligible(ClusterState s, int id, Map<Integer, String> streaming) {
        Optional<Backend> b = ClusterStates.backend(s, id);
        return id != s.getPrimary().getNodeId() && b.isPresent() && b.get().getStatus() == BackendStatus.UP
                && streaming.containsKey(id) && !b.get().getNeedsRecovery() && !b.get().getDetached();
    }

    static Optional<Integer> best(ClusterState s, Map<Integer, String> streaming) {
        return s.getBackendsList().stream().map(Backend::getNodeId).filter(id -> eligible(s, id, streaming))
                .max(Comparator.comparingInt((Integer id) -> ClusterStates.node(s, id).map(NodeInfo::getPriority).orElse(0))
                        .thenComparing(Comparator.<Integer>naturalOrder().reversed()));
    }
}
