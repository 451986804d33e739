package io.raftpool.server.state;

import static io.raftpool.server.state.EventLog.event;
import static io.raftpool.server.state.EventLog.withEvent;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.BeginFailover;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Health;
import io.raftpool.proto.RestartPrimary;
import io.raftpool.proto.Operation;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.PromotionDone;
import io.raftpool.proto.PromotionFailed;
import io.raftpool.proto.SwitchoverDemoted;
import java.util.Optional;

/**
 * A change of primary (failover, switchover, promote-node): it begins at the next epoch, the
 * target's promotion succeeds or fails, and a switchover's old primary reports its clean stop.
 * Pure, like {@link Transitions}.
 */
final class Failovers {
    private Failovers() {}

    static Optional<String> validateBegin(ClusterState state, BeginFailover b) {
        if (state.getSyncMode() && b.getKind() == Operation.Kind.FAILOVER
                && !state.getSyncStandbysList().contains(b.getTarget())) {
            return Optional.of("begin_failover: node " + b.getTarget() + " is not a committed synchronous standby "
                    + state.getSyncStandbysList() + "; in sync mode only those may be promoted (S3)");
        }
        if (b.getKind() == Operation.Kind.FAILOVER && b.getPrimaryRestarts() != state.getPrimary().getRestarts()) {
            return Optional.of("begin_failover: the old primary was started again by its agent after this failover was"
                    + " decided (restart " + state.getPrimary().getRestarts() + ")");
        }
        if (b.getNewEpoch() != state.getPrimary().getEpoch() + 1) {
            return Optional.of("begin_failover: epoch " + b.getNewEpoch() + " is not the next epoch (committed "
                    + state.getPrimary().getEpoch() + ")");
        }
        return NodeRefusals.requireBackend(state, b.getTarget());
    }

    static Optional<String> validateRestart(ClusterState state, RestartPrimary r) {
        Primary p = state.getPrimary();
        if (p.getNodeId() != r.getNodeId() || p.getEpoch() != r.getEpoch() || p.getPhase() != PrimaryPhase.ACTIVE) {
            return Optional.of("restart_primary: node " + r.getNodeId() + " is not the active primary of epoch "
                    + r.getEpoch() + " any more (primary: node " + p.getNodeId() + ", epoch " + p.getEpoch() + ", "
                    + p.getPhase() + ")");
        }
        return Optional.empty();
    }

    /**
     * Its own agent starts the primary again: the count goes up (voiding a failover decided
     * before), and its own last word, "not running", is no longer certain.
     */
    static ClusterState restart(ClusterState state, RestartPrimary r, long now) {
        ClusterState.Builder b = state.toBuilder();
        Primary p = state.getPrimary();
        b.setPrimary(p.toBuilder().setRestarts(p.getRestarts() + 1).setRestartedMs(now));
        int own = ClusterStates.indexOfObservation(state, r.getNodeId(), r.getNodeId());
        if (own >= 0) {
            b.setObservations(own, b.getObservations(own).toBuilder().setHealth(Health.HEALTH_UNKNOWN)
                    .setDetail("its agent is starting it again as the primary").setAtMs(now));
        }
        return EventLog.withEvent(b, EventLog.event(now, "fence", r.getNodeId(), p.getEpoch(), "node " + r.getNodeId()
                + "'s agent starts its server again as the primary of epoch " + p.getEpoch()
                + " (no failover had begun; one decided before this is void)")).build();
    }

    static Optional<String> validatePromotionDone(ClusterState state, PromotionDone d) {
        if (!isPromoting(state, d.getEpoch(), d.getNodeId())) {
            return Optional.of("promotion_done: node " + d.getNodeId() + " epoch " + d.getEpoch()
                    + " is not the promotion in progress");
        }
        return Optional.empty();
    }

    static Optional<String> validatePromotionFailed(ClusterState state, PromotionFailed f) {
        if (!isPromoting(state, f.getEpoch(), f.getNodeId())) {
            return Optional.of("promotion_failed: node " + f.getNodeId() + " epoch " + f.getEpoch()
                    + " is not the promotion in progress");
        }
        return Optional.empty();
    }

    static Optional<String> validateSwitchoverDemoted(ClusterState state, SwitchoverDemoted d) {
        Operation op = state.getOperation();
        if (op.getKind() != Operation.Kind.SWITCHOVER || op.getEpoch() != d.getEpoch()
                || op.getOldPrimary() != d.getNodeId() || state.getPrimary().getPhase() != PrimaryPhase.PROMOTING) {
            return Optional.of("switchover_demoted: no switchover at epoch " + d.getEpoch() + " from node "
                    + d.getNodeId() + " is in progress");
        }
        // the old primary may have left the cluster (remove-node) since the switchover began
        return NodeRefusals.requireBackend(state, d.getNodeId());
    }

    static ClusterState begin(ClusterState state, BeginFailover f, long term, long now) {
        ClusterState.Builder b = state.toBuilder();
        b.setPrimary(Primary.newBuilder().setNodeId(f.getTarget()).setEpoch(f.getNewEpoch())
                .setPhase(PrimaryPhase.PROMOTING).setSinceMs(now));
        b.setOperation(Operation.newBuilder()
                .setKind(f.getKind())
                .setEpoch(f.getNewEpoch())
                .setTarget(f.getTarget())
                .setOldPrimary(f.getOldPrimary())
                .setReason(f.getReason())
                .addAllEvidence(f.getEvidenceList())
                .setStartedMs(now)
                .setDetectedMs(f.getDetectedMs() > 0 ? f.getDetectedMs() : now)
                .setPhase("promoting")
                .setPhaseSinceMs(now)
                .setTerm(term));
        int old = ClusterStates.indexOfBackend(state, f.getOldPrimary());
        if (old >= 0 && f.getOldPrimary() != f.getTarget()) {
            // Like pgpool, the replaced primary is shown as a standby: that is what it will be once
            // rebuilt (failover, promote-node) or restarted after its clean stop (switchover).
            boolean switchover = f.getKind() == Operation.Kind.SWITCHOVER;
            Backend.Builder ob = b.getBackends(old).toBuilder().setNeedsRecovery(!switchover)
                    .setRole(BackendRole.STANDBY).setRoleChangedMs(now).setReplicationState("");
            if (ob.getStatus() != BackendStatus.DOWN) {
                ob.setStatus(BackendStatus.DOWN).setStatusChangedMs(now).setStatusReason(switchover
                        ? "switchover: handing over to node " + f.getTarget() : f.getReason());
            }
            b.setBackends(old, ob);
        }
        Recoveries.voidAll(b, now, "the primary changed (epoch " + f.getNewEpoch() + ") during the recovery");
        // No standby is synchronous with the new primary yet: none may be promoted until one is.
        b.clearSyncStandbys().clearSyncTarget();
        Quorums.reset(b);
        String label = kindName(f.getKind());
        String evidence = f.getEvidenceCount() == 0 ? "" : " [" + String.join("; ", f.getEvidenceList()) + "]";
        return withEvent(b, event(now, label, f.getTarget(), f.getNewEpoch(),
                label + " begins at epoch " + f.getNewEpoch() + ": promoting node " + f.getTarget()
                        + (f.getOldPrimary() >= 0 ? " in place of node " + f.getOldPrimary() : "")
                        + "; " + f.getReason() + evidence)).build();
    }

    static ClusterState promotionDone(ClusterState state, PromotionDone d, long now) {
        ClusterState.Builder b = state.toBuilder();
        b.setPrimary(state.getPrimary().toBuilder().setPhase(PrimaryPhase.ACTIVE).setSinceMs(now));
        int i = ClusterStates.indexOfBackend(state, d.getNodeId());
        b.setBackends(i, b.getBackends(i).toBuilder()
                .setStatus(BackendStatus.UP).setStatusChangedMs(now).setStatusReason("promoted at epoch " + d.getEpoch())
                .setRole(BackendRole.PRIMARY).setRoleChangedMs(now)
                .setTimeline(d.getTimeline()).setNeedsRecovery(false).setLagBytes(0).setReplicationState(""));
        Operation op = state.getOperation();
        long total = op.getEpoch() == d.getEpoch() ? now - op.getDetectedMs() : 0;
        b.clearOperation();
        String label = kindName(op.getKind());
        return withEvent(b, event(now, label, d.getNodeId(), d.getEpoch(),
                "node " + d.getNodeId() + " is primary at epoch " + d.getEpoch() + " (timeline " + d.getTimeline()
                        + "); promotion took " + d.getPromoteMs() + " ms, " + label + " " + total
                        + " ms since the failure was confirmed").setDurationMs(total)).build();
    }

    static ClusterState promotionFailed(ClusterState state, PromotionFailed f, long now) {
        ClusterState.Builder b = state.toBuilder();
        b.setPrimary(state.getPrimary().toBuilder().setPhase(PrimaryPhase.PHASE_NONE).setSinceMs(now));
        int i = ClusterStates.indexOfBackend(state, f.getNodeId());
        b.setBackends(i, b.getBackends(i).toBuilder().setStatus(BackendStatus.DOWN).setStatusChangedMs(now)
                .setStatusReason("promotion failed: " + f.getReason()));
        b.setOperation(state.getOperation().toBuilder().setPhase("promotion failed").setPhaseSinceMs(now));
        return withEvent(b, event(now, "failover", f.getNodeId(), f.getEpoch(),
                "promotion of node " + f.getNodeId() + " at epoch " + f.getEpoch() + " failed: " + f.getReason())).build();
    }

    static ClusterState switchoverDemoted(ClusterState state, SwitchoverDemoted d, long now) {
        ClusterState.Builder b = state.toBuilder();
        b.setOperation(state.getOperation().toBuilder().setFinalLsn(d.getFinalLsn())
                .setPhase("old primary stopped; target catching up").setPhaseSinceMs(now));
        int i = ClusterStates.indexOfBackend(state, d.getNodeId());
        b.setBackends(i, b.getBackends(i).toBuilder().setRejoin(true).setWalLsn(d.getFinalLsn()));
        return withEvent(b, event(now, "switchover", d.getNodeId(), d.getEpoch(), "node " + d.getNodeId()
                + " stopped cleanly at WAL " + formatLsn(d.getFinalLsn()) + "; node " + state.getOperation().getTarget()
                + " promotes once it has received that much")).build();
    }

    private static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }

    private static boolean isPromoting(ClusterState state, long epoch, int node) {
        Primary p = state.getPrimary();
        return p.getEpoch() == epoch && p.getNodeId() == node && p.getPhase() == PrimaryPhase.PROMOTING;
    }

    static String kindName(Operation.Kind kind) {
        return switch (kind) {
            case PROMOTE -> "promote";
            case SWITCHOVER -> "switchover";
            case RECOVERY -> "recovery";
            default -> "failover";
        };
    }
}
