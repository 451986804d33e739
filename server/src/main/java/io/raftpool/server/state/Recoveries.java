package io.raftpool.server.state;

import static io.raftpool.server.state.EventLog.event;
import static io.raftpool.server.state.EventLog.withEvent;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.BeginRecovery;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
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

    static Optional<String> validateBegin(ClusterState state, BeginRecovery r) {
        Optional<String> backend = NodeRefusals.requireBackend(state, r.getNodeId());
        if (backend.isPresent()) {
            return backend;
        }
        if (state.getPrimary().getNodeId() == r.getNodeId()) {
            return Optional.of("node " + r.getNodeId() + " is the primary; only a standby or a failed server is recovered");
        }
        if (state.getPrimary().getPhase() != PrimaryPhase.ACTIVE) {
            return Optional.of("there is no active primary to recover node " + r.getNodeId() + " from");
        }
        if (r.getEpoch() != state.getPrimary().getEpoch() || r.getSource() != state.getPrimary().getNodeId()) {
            return Optional.of("begin_recovery: epoch " + r.getEpoch() + " / source " + r.getSource()
                    + " is not the current primary (node " + state.getPrimary().getNodeId() + ", epoch "
                    + state.getPrimary().getEpoch() + ")");
        }
        if (find(state, r.getNodeId()).isPresent()) {
            return Optional.of("node " + r.getNodeId() + " is already being recovered");
        }
        return Optional.empty();
    }

    static Optional<String> validateStep(ClusterState state, RecoveryStep step) {
        return requireRecovery(state, step.getNodeId(), step.getEpoch());
    }

    static Optional<String> validateDone(ClusterState state, RecoveryDone done) {
        return requireRecovery(state, done.getNodeId(), done.getEpoch())
                .or(() -> done.getEpoch() == state.getPrimary().getEpoch()
                        && state.getPrimary().getPhase() == PrimaryPhase.ACTIVE ? Optional.empty()
                        : Optional.of("recovery_done: the primary changed since the recovery began"));
    }

    static Optional<String> validateFailed(ClusterState state, RecoveryFailed failed) {
        // epoch 0 (never a recovery's) fails whichever recovery of the node runs
        return requireRecovery(state, failed.getNodeId(), failed.getEpoch() > 0 ? failed.getEpoch() : -1);
    }

    private static Optional<String> requireRecovery(ClusterState state, int node, long epoch) {
        Optional<Recovery> r = find(state, node);
        if (r.isEmpty() || (epoch >= 0 && r.get().getEpoch() != epoch)) {
            return Optional.of("no recovery of node " + node + (epoch >= 0 ? " at epoch " + epoch : "") + " is in progress");
        }
        return Optional.empty();
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
                .setPhase("requested").setStartedMs(now).setPhaseSinceMs(now).setRequestedBy(r.getRequestedBy())
                .setFromBackup(r.getFromBackup()));
        Quorums.forget(b, r.getNodeId()); // what it held is about to be replaced
        setStatus(b, state, r.getNodeId(), BackendStatus.RECOVERING, r.getRequestedBy() + ": rebuilding as a standby of node "
                + r.getSource(), now);
        String from = r.getFromBackup() ? "from the latest backup, then the archive and node " + r.getSource()
                : "from node " + r.getSource();
        return withEvent(b, event(now, "recovery", r.getNodeId(), r.getEpoch(),
                "recovery of node " + r.getNodeId() + " " + from + " begins (" + r.getRequestedBy() + ")"))
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
        return withEvent(b, event(now, "recovery", step.getNodeId(), step.getEpoch(),
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
        return withEvent(b, event(now, "recovery", d.getNodeId(), d.getEpoch(),
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
        return withEvent(b, event(now, "recovery", f.getNodeId(), r.getEpoch(),
                "recovery of node " + f.getNodeId() + " failed in phase '" + r.getPhase() + "': " + f.getReason())
                .setDurationMs(now - r.getStartedMs())).build();
    }

    /** A new epoch voids every recovery against the old primary. */
    static void voidAll(ClusterState.Builder b, long now, String why) {
        ClusterState before = b.build();
        for (Recovery r : before.getRecoveriesList()) {
            markFailed(b, before, r.getNodeId(), why, now);
            withEvent(b, event(now, "recovery", r.getNodeId(), r.getEpoch(),
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
