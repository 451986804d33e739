package io.raftpool.server.state;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.BeginRecovery;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Recovery;
import io.raftpool.proto.RecoveryDone;
import io.raftpool.proto.Health;
import io.raftpool.proto.RecoveryFailed;
import io.raftpool.proto.RecoveryStep;
import java.util.Optional;

/**
 * The transitions of a recovery (recovery-node): intent, steps, outcome. A server being
 * recovered is RECOVERING until its agent saw it stream; a failed or voided recovery leaves it
 * DOWN and needing recovery, never half-built and up. Pure, like {@link Transitions}.
 */
final class Recoveries {
    private Recoveries() {}

    static Optional<Recovery> find(ClusterState s, int node) {
        return s.getRecoveriesList().stream().filter(r -> r.getNodeId() == node).findFirst();
    }

    private static int indexOf(ClusterState.Builder b, int node) {
        for (int i = 0; i < b.getRecoveriesCount(); i++) {
            if (b.getRecoveries(i).getNodeId() == node) {
                return i;
            }
        }
        return -1;
    }

    static ClusterState begin(ClusterState state, BeginRecovery r, long now) {
        ClusterState.Builder b = state.toBuilder();
        b.addRecoveries(Recovery.newBuilder().setNodeId(r.getNodeId()).setEpoch(r.getEpoch()).setSource(r.getSource())
                .setPhase("requested").setStartedMs(now).setPhaseSinceMs(now).setRequestedBy(r.getRequestedBy()));
        setStatus(b, state, r.getNodeId(), BackendStatus.RECOVERING, r.getRequestedBy() + ": rebuilding as a standby of node "
                + r.getSource(), now);
        return Transitions.withEvent(b, Transitions.event(now, "recovery", r.getNodeId(), r.getEpoch(),
                "recovery of node " + r.getNodeId() + " from node " + r.getSource() + " begins (" + r.getRequestedBy() + ")"))
                .build();
    }

    static ClusterState step(ClusterState state, RecoveryStep step, long now) {
        ClusterState.Builder b = state.toBuilder();
        int i = indexOf(b, step.getNodeId());
        Recovery old = b.getRecoveries(i);
        Recovery.Builder r = old.toBuilder().setProgress(step.getProgress());
        if (!step.getMethod().isEmpty()) {
            r.setMethod(step.getMethod());
        }
        boolean newPhase = !old.getPhase().equals(step.getPhase());
        if (newPhase) {
            r.setPhase(step.getPhase()).setPhaseSinceMs(now);
        }
        b.setRecoveries(i, r);
        if (!newPhase) {
            return b.build();
        }
        return Transitions.withEvent(b, Transitions.event(now, "recovery", step.getNodeId(), step.getEpoch(),
                "recovery of node " + step.getNodeId() + ": " + step.getPhase()
                        + (step.getProgress().isEmpty() ? "" : " (" + step.getProgress() + ")"))
                .setDurationMs(now - old.getPhaseSinceMs())).build();
    }

    static ClusterState done(ClusterState state, RecoveryDone d, long now) {
        ClusterState.Builder b = state.toBuilder();
        int i = indexOf(b, d.getNodeId());
        Recovery r = b.getRecoveries(i);
        b.removeRecoveries(i);
        int bi = ClusterStates.indexOfBackend(state, d.getNodeId());
        b.setBackends(bi, b.getBackends(bi).toBuilder().setStatus(BackendStatus.UP).setStatusChangedMs(now)
                .setStatusReason("rebuilt with " + d.getMethod() + " in " + d.getDurationMs() + " ms; streaming from node "
                        + r.getSource())
                .setRole(BackendRole.STANDBY).setNeedsRecovery(false).setRejoin(false).setTimeline(d.getTimeline())
                .setReplicationState("streaming"));
        // Its own agent saw the server stopped while it was rebuilt; finishing the recovery is its
        // word that it runs and streams now, so that old opinion must not mark it down again.
        int own = ClusterStates.indexOfObservation(state, d.getNodeId(), d.getNodeId());
        if (own >= 0 && b.getObservations(own).getHealth() != Health.HEALTHY) {
            b.setObservations(own, b.getObservations(own).toBuilder().setHealth(Health.HEALTHY)
                    .setRole(BackendRole.STANDBY).setTimeline(d.getTimeline()).setStreaming(true)
                    .setDetail("rebuilt with " + d.getMethod()).setAtMs(now));
        }
        return Transitions.withEvent(b, Transitions.event(now, "recovery", d.getNodeId(), d.getEpoch(),
                "node " + d.getNodeId() + " is up again, streaming from node " + r.getSource() + ": rebuilt with "
                        + d.getMethod() + " in " + d.getDurationMs() + " ms"
                        + (d.getPhases().isEmpty() ? "" : " (" + d.getPhases() + ")")).setDurationMs(now - r.getStartedMs())).build();
    }

    static ClusterState failed(ClusterState state, RecoveryFailed f, long now) {
        ClusterState.Builder b = state.toBuilder();
        int i = indexOf(b, f.getNodeId());
        Recovery r = b.getRecoveries(i);
        b.removeRecoveries(i);
        markFailed(b, state, f.getNodeId(), "recovery failed: " + f.getReason(), now);
        return Transitions.withEvent(b, Transitions.event(now, "recovery", f.getNodeId(), r.getEpoch(),
                "recovery of node " + f.getNodeId() + " failed in phase '" + r.getPhase() + "': " + f.getReason())
                .setDurationMs(now - r.getStartedMs())).build();
    }

    /** A new epoch voids every recovery against the old primary. */
    static void voidAll(ClusterState.Builder b, long now, String why) {
        ClusterState before = b.build();
        for (Recovery r : before.getRecoveriesList()) {
            markFailed(b, before, r.getNodeId(), why, now);
            Transitions.withEvent(b, Transitions.event(now, "recovery", r.getNodeId(), r.getEpoch(),
                    "recovery of node " + r.getNodeId() + " abandoned: " + why));
        }
        b.clearRecoveries();
    }

    private static void markFailed(ClusterState.Builder b, ClusterState state, int node, String why, long now) {
        int bi = ClusterStates.indexOfBackend(state, node);
        Backend.Builder backend = b.getBackends(bi).toBuilder().setNeedsRecovery(true);
        if (backend.getStatus() != BackendStatus.DOWN) {
            backend.setStatus(BackendStatus.DOWN).setStatusChangedMs(now);
        }
        b.setBackends(bi, backend.setStatusReason(why));
    }

    private static void setStatus(ClusterState.Builder b, ClusterState state, int node, BackendStatus status, String why,
                                  long now) {
        int bi = ClusterStates.indexOfBackend(state, node);
        b.setBackends(bi, b.getBackends(bi).toBuilder().setStatus(status).setStatusChangedMs(now).setStatusReason(why));
    }
}
