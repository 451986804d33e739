package io.raftpool.server.state;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.BeginFailover;
import io.raftpool.proto.BeginRecovery;
import io.raftpool.proto.SetSyncStandbys;
import io.raftpool.proto.SwitchoverDemoted;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.proto.Health;
import io.raftpool.proto.InitCluster;
import io.raftpool.proto.MarkBackend;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Observation;
import io.raftpool.proto.Operation;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.PromotionDone;
import io.raftpool.proto.PromotionFailed;
import io.raftpool.proto.SetDetached;
import io.raftpool.proto.SetVip;
import io.raftpool.proto.VipHolder;
import java.util.Optional;

/**
 * The state machine's one rule: {@code (state, command) -> state}. Pure and total: no I/O, no
 * clock (the command carries its issue time), and a command that no longer fits the state (an
 * old leader's stale order, a report about a node that left) yields the state unchanged, never
 * an exception — an exception in apply would stop the Raft server. {@link #validate} says why
 * a command does not fit, so it can be refused before it is ever logged.
 */
public final class Transitions {
    public static final int FORMAT_VERSION = 1;
    public static final int MAX_EVENTS = 200;

    private Transitions() {}

    public static ClusterState empty() {
        return ClusterState.newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setPrimary(Primary.newBuilder().setNodeId(-1))
                .setVip(VipHolder.newBuilder().setNodeId(-1))
                .setLeaderNode(-1)
                .build();
    }

    /** Why {@code command} cannot apply to {@code state}, or empty when it can. */
    public static Optional<String> validate(ClusterState state, Command command) {
        switch (command.getKindCase()) {
            case KIND_NOT_SET:
                return Optional.of("command has no kind");
            case INIT_CLUSTER: {
                InitCluster init = command.getInitCluster();
                if (init.getNodesCount() < 3) {
                    return Optional.of("init_cluster needs at least 3 nodes, got " + init.getNodesCount());
                }
                if (init.getNodesList().stream().noneMatch(n -> n.getId() == init.getBootstrapPrimary() && !n.getWitness())) {
                    return Optional.of("init_cluster: bootstrap primary " + init.getBootstrapPrimary()
                            + " is not a node with PostgreSQL");
                }
                return Optional.empty();
            }
            case REPORT: {
                Observation o = command.getReport().getObservation();
                return requireNode(state, o.getObserver(), "observer")
                        .or(() -> requireBackend(state, o.getSubject()));
            }
            case MARK:
                return requireBackend(state, command.getMark().getNodeId());
            case BEGIN_FAILOVER: {
                BeginFailover b = command.getBeginFailover();
                if (state.getSyncMode() && b.getKind() == Operation.Kind.FAILOVER
                        && !state.getSyncStandbysList().contains(b.getTarget())) {
                    return Optional.of("begin_failover: node " + b.getTarget() + " is not a committed synchronous standby "
                            + state.getSyncStandbysList() + "; in sync mode only those may be promoted (S3)");
                }
                if (b.getNewEpoch() != state.getPrimary().getEpoch() + 1) {
                    return Optional.of("begin_failover: epoch " + b.getNewEpoch() + " is not the next epoch (committed "
                            + state.getPrimary().getEpoch() + ")");
                }
                return requireBackend(state, b.getTarget());
            }
            case PROMOTION_DONE: {
                PromotionDone d = command.getPromotionDone();
                if (!isPromoting(state, d.getEpoch(), d.getNodeId())) {
                    return Optional.of("promotion_done: node " + d.getNodeId() + " epoch " + d.getEpoch()
                            + " is not the promotion in progress");
                }
                return Optional.empty();
            }
            case PROMOTION_FAILED: {
                PromotionFailed f = command.getPromotionFailed();
                if (!isPromoting(state, f.getEpoch(), f.getNodeId())) {
                    return Optional.of("promotion_failed: node " + f.getNodeId() + " epoch " + f.getEpoch()
                            + " is not the promotion in progress");
                }
                return Optional.empty();
            }
            case SET_VIP: {
                int id = command.getSetVip().getNodeId();
                return id == -1 ? Optional.empty() : requireNode(state, id, "vip holder");
            }
            case SET_DETACHED:
                return requireBackend(state, command.getSetDetached().getNodeId());
            case CLEAR_NEEDS_RECOVERY:
                return requireBackend(state, command.getClearNeedsRecovery().getNodeId());
            case LEADER_ANNOUNCE:
                return requireNode(state, command.getLeaderAnnounce().getNodeId(), "leader");
            case APPEND_EVENT:
                return Optional.empty();
            case BEGIN_RECOVERY:
                return validateBeginRecovery(state, command.getBeginRecovery());
            case RECOVERY_STEP:
                return requireRecovery(state, command.getRecoveryStep().getNodeId(), command.getRecoveryStep().getEpoch());
            case RECOVERY_DONE:
                return requireRecovery(state, command.getRecoveryDone().getNodeId(), command.getRecoveryDone().getEpoch())
                        .or(() -> command.getRecoveryDone().getEpoch() == state.getPrimary().getEpoch()
                                && state.getPrimary().getPhase() == PrimaryPhase.ACTIVE ? Optional.empty()
                                : Optional.of("recovery_done: the primary changed since the recovery began"));
            case RECOVERY_FAILED:
                // epoch 0 (never a recovery's) fails whichever recovery of the node runs
                return requireRecovery(state, command.getRecoveryFailed().getNodeId(),
                        command.getRecoveryFailed().getEpoch() > 0 ? command.getRecoveryFailed().getEpoch() : -1);
            case SWITCHOVER_DEMOTED: {
                SwitchoverDemoted d = command.getSwitchoverDemoted();
                Operation op = state.getOperation();
                if (op.getKind() != Operation.Kind.SWITCHOVER || op.getEpoch() != d.getEpoch()
                        || op.getOldPrimary() != d.getNodeId() || state.getPrimary().getPhase() != PrimaryPhase.PROMOTING) {
                    return Optional.of("switchover_demoted: no switchover at epoch " + d.getEpoch() + " from node "
                            + d.getNodeId() + " is in progress");
                }
                // the old primary may have left the cluster (remove-node) since the switchover began
                return requireBackend(state, d.getNodeId());
            }
            case ADD_NODE:
                return Membership.validateAdd(state, command.getAddNode().getNode());
            case REMOVE_NODE:
                return Membership.validateRemove(state, command.getRemoveNode().getNodeId());
            case SET_SYNC_STANDBYS: {
                for (int id : command.getSetSyncStandbys().getNodesList()) {
                    Optional<String> p = requireBackend(state, id);
                    if (p.isPresent()) {
                        return p;
                    }
                }
                return Optional.empty();
            }
            default:
                return Optional.of("unknown command kind " + command.getKindCase());
        }
    }

    public static ClusterState apply(ClusterState state, Command command) {
        if (validate(state, command).isPresent()) {
            return state;
        }
        long now = command.getIssuedMs();
        return switch (command.getKindCase()) {
            case INIT_CLUSTER -> initCluster(state, command.getInitCluster(), now);
            case REPORT -> report(state, command.getReport().getObservation());
            case MARK -> mark(state, command.getMark(), now);
            case BEGIN_FAILOVER -> beginFailover(state, command.getBeginFailover(), command.getTerm(), now);
            case PROMOTION_DONE -> promotionDone(state, command.getPromotionDone(), now);
            case PROMOTION_FAILED -> promotionFailed(state, command.getPromotionFailed(), now);
            case SET_VIP -> setVip(state, command.getSetVip(), now);
            case SET_DETACHED -> setDetached(state, command.getSetDetached(), now);
            case CLEAR_NEEDS_RECOVERY -> clearNeedsRecovery(state, command.getClearNeedsRecovery().getNodeId(),
                    command.getClearNeedsRecovery().getReason(), now);
            case LEADER_ANNOUNCE -> leaderAnnounce(state, command.getLeaderAnnounce().getNodeId(),
                    command.getLeaderAnnounce().getTerm(), now);
            case APPEND_EVENT -> withEvent(state.toBuilder(), command.getAppendEvent().getEvent().toBuilder().setAtMs(now))
                    .build();
            case BEGIN_RECOVERY -> Recoveries.begin(state, command.getBeginRecovery(), now);
            case RECOVERY_STEP -> Recoveries.step(state, command.getRecoveryStep(), now);
            case RECOVERY_DONE -> Recoveries.done(state, command.getRecoveryDone(), now);
            case RECOVERY_FAILED -> Recoveries.failed(state, command.getRecoveryFailed(), now);
            case SWITCHOVER_DEMOTED -> switchoverDemoted(state, command.getSwitchoverDemoted(), now);
            case SET_SYNC_STANDBYS -> setSyncStandbys(state, command.getSetSyncStandbys(), now);
            case ADD_NODE -> Membership.add(state, command.getAddNode().getNode(), now);
            case REMOVE_NODE -> Membership.remove(state, command.getRemoveNode(), now);
            default -> state;
        };
    }

    private static ClusterState initCluster(ClusterState state, InitCluster init, long now) {
        if (state.getNodesCount() > 0) {
            return state; // initialised once; a second leader's init is a no-op
        }
        ClusterState.Builder b = state.toBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setClusterName(init.getClusterName())
                .setConfigVersion(init.getConfigVersion())
                .setSyncMode(init.getSyncMode())
                .addAllNodes(init.getNodesList());
        for (NodeInfo n : init.getNodesList()) {
            if (n.getWitness()) {
                continue;
            }
            boolean primary = n.getId() == init.getBootstrapPrimary();
            b.addBackends(Backend.newBuilder()
                    .setNodeId(n.getId())
                    .setStatus(BackendStatus.STATUS_UNKNOWN)
                    .setRole(primary ? BackendRole.PRIMARY : BackendRole.STANDBY)
                    .setLagBytes(-1)
                    .setStatusChangedMs(now)
                    .setRoleChangedMs(now)
                    .setStatusReason("cluster initialised"));
        }
        b.setPrimary(Primary.newBuilder().setNodeId(init.getBootstrapPrimary()).setEpoch(1)
                .setPhase(PrimaryPhase.BOOTSTRAPPING).setSinceMs(now));
        return withEvent(b, event(now, "init", init.getBootstrapPrimary(), 1,
                "cluster '" + init.getClusterName() + "' initialised with " + init.getNodesCount()
                        + " nodes; node " + init.getBootstrapPrimary() + " bootstraps as the first primary")).build();
    }

    /**
     * Records an observation. The server's own agent also carries the details only it knows
     * (WAL position, lag, replication state) onto the backend. The first primary becomes
     * active when its own agent sees it running as primary.
     */
    private static ClusterState report(ClusterState state, Observation o) {
        ClusterState.Builder b = state.toBuilder();
        int existing = ClusterStates.indexOfObservation(state, o.getObserver(), o.getSubject());
        if (existing >= 0) {
            b.setObservations(existing, o);
        } else {
            b.addObservations(o);
        }
        if (o.getObserver() != o.getSubject()) {
            return b.build();
        }
        int i = ClusterStates.indexOfBackend(state, o.getSubject());
        Backend.Builder backend = b.getBackends(i).toBuilder();
        if (o.getHealth() == Health.HEALTHY) {
            backend.setTimeline(o.getTimeline())
                    .setWalLsn(o.getWalLsn())
                    .setLagBytes(o.getLagBytes())
                    .setReplicationState(o.getStreaming() ? "streaming" : "")
                    .setWalReportedMs(o.getAtMs());
        }
        b.setBackends(i, backend);
        Primary p = state.getPrimary();
        if (p.getPhase() == PrimaryPhase.BOOTSTRAPPING && p.getNodeId() == o.getSubject()
                && o.getHealth() == Health.HEALTHY && o.getRole() == BackendRole.PRIMARY) {
            b.setPrimary(p.toBuilder().setPhase(PrimaryPhase.ACTIVE).setSinceMs(o.getAtMs()));
            b.setBackends(i, backend.setStatus(BackendStatus.UP).setRole(BackendRole.PRIMARY)
                    .setStatusChangedMs(o.getAtMs()).setStatusReason("bootstrapped as the first primary"));
            withEvent(b, event(o.getAtMs(), "bootstrap", o.getSubject(), p.getEpoch(),
                    "node " + o.getSubject() + " is up as the first primary (timeline " + o.getTimeline() + ")"));
        }
        return b.build();
    }

    private static ClusterState mark(ClusterState state, MarkBackend m, long now) {
        int i = ClusterStates.indexOfBackend(state, m.getNodeId());
        Backend old = state.getBackends(i);
        Backend.Builder backend = old.toBuilder();
        boolean statusChanged = old.getStatus() != m.getStatus();
        boolean roleChanged = m.getRole() != BackendRole.ROLE_UNKNOWN && m.getRole() != old.getRole();
        if (!statusChanged && !roleChanged) {
            return state;
        }
        if (statusChanged) {
            backend.setStatus(m.getStatus()).setStatusChangedMs(now).setStatusReason(m.getReason());
            if (m.getStatus() == BackendStatus.UP) {
                backend.setRejoin(false);
            }
        }
        if (roleChanged) {
            backend.setRole(m.getRole()).setRoleChangedMs(now);
        }
        ClusterState.Builder b = state.toBuilder().setBackends(i, backend);
        String what = "node " + m.getNodeId() + " is " + ClusterStates.statusName(m.getStatus())
                + (roleChanged ? " (" + ClusterStates.roleName(m.getRole()) + ")" : "") + ": " + m.getReason();
        return withEvent(b, event(now, "status", m.getNodeId(), state.getPrimary().getEpoch(), what)).build();
    }

    private static ClusterState beginFailover(ClusterState state, BeginFailover f, long term, long now) {
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
        String label = kindName(f.getKind());
        String evidence = f.getEvidenceCount() == 0 ? "" : " [" + String.join("; ", f.getEvidenceList()) + "]";
        return withEvent(b, event(now, label, f.getTarget(), f.getNewEpoch(),
                label + " begins at epoch " + f.getNewEpoch() + ": promoting node " + f.getTarget()
                        + (f.getOldPrimary() >= 0 ? " in place of node " + f.getOldPrimary() : "")
                        + "; " + f.getReason() + evidence)).build();
    }

    private static ClusterState promotionDone(ClusterState state, PromotionDone d, long now) {
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

    private static ClusterState promotionFailed(ClusterState state, PromotionFailed f, long now) {
        ClusterState.Builder b = state.toBuilder();
        b.setPrimary(state.getPrimary().toBuilder().setPhase(PrimaryPhase.PHASE_NONE).setSinceMs(now));
        int i = ClusterStates.indexOfBackend(state, f.getNodeId());
        b.setBackends(i, b.getBackends(i).toBuilder().setStatus(BackendStatus.DOWN).setStatusChangedMs(now)
                .setStatusReason("promotion failed: " + f.getReason()));
        b.setOperation(state.getOperation().toBuilder().setPhase("promotion failed").setPhaseSinceMs(now));
        return withEvent(b, event(now, "failover", f.getNodeId(), f.getEpoch(),
                "promotion of node " + f.getNodeId() + " at epoch " + f.getEpoch() + " failed: " + f.getReason())).build();
    }

    private static ClusterState switchoverDemoted(ClusterState state, SwitchoverDemoted d, long now) {
        ClusterState.Builder b = state.toBuilder();
        b.setOperation(state.getOperation().toBuilder().setFinalLsn(d.getFinalLsn())
                .setPhase("old primary stopped; target catching up").setPhaseSinceMs(now));
        int i = ClusterStates.indexOfBackend(state, d.getNodeId());
        b.setBackends(i, b.getBackends(i).toBuilder().setRejoin(true).setWalLsn(d.getFinalLsn()));
        return withEvent(b, event(now, "switchover", d.getNodeId(), d.getEpoch(), "node " + d.getNodeId()
                + " stopped cleanly at WAL " + formatLsn(d.getFinalLsn()) + "; node " + state.getOperation().getTarget()
                + " promotes once it has received that much")).build();
    }

    private static ClusterState setSyncStandbys(ClusterState state, SetSyncStandbys s, long now) {
        java.util.List<Integer> nodes = s.getNodesList().stream().sorted().distinct().toList();
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

    static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }

    private static ClusterState setVip(ClusterState state, SetVip v, long now) {
        VipHolder current = state.getVip();
        if (current.getNodeId() == v.getNodeId() && current.getAddress().equals(v.getAddress())) {
            return state;
        }
        if (v.getNodeId() == -1 && v.getTerm() < current.getTerm()) {
            return state; // an old holder's late release must not erase a newer holder
        }
        ClusterState.Builder b = state.toBuilder().setVip(VipHolder.newBuilder()
                .setNodeId(v.getNodeId()).setAddress(v.getAddress()).setSinceMs(now).setTerm(v.getTerm()));
        String what = v.getNodeId() == -1 ? "VIP " + current.getAddress() + " released by node " + current.getNodeId()
                : "VIP " + v.getAddress() + " is up on node " + v.getNodeId() + " (term " + v.getTerm() + ")";
        return withEvent(b, event(now, "vip", v.getNodeId(), state.getPrimary().getEpoch(), what)).build();
    }

    private static ClusterState setDetached(ClusterState state, SetDetached d, long now) {
        int i = ClusterStates.indexOfBackend(state, d.getNodeId());
        if (state.getBackends(i).getDetached() == d.getDetached()) {
            return state;
        }
        ClusterState.Builder b = state.toBuilder();
        b.setBackends(i, b.getBackends(i).toBuilder().setDetached(d.getDetached()));
        return withEvent(b, event(now, d.getDetached() ? "detach" : "attach", d.getNodeId(),
                state.getPrimary().getEpoch(), "node " + d.getNodeId() + (d.getDetached() ? " detached" : " attached")
                        + ": " + d.getReason())).build();
    }

    private static ClusterState clearNeedsRecovery(ClusterState state, int nodeId, String reason, long now) {
        int i = ClusterStates.indexOfBackend(state, nodeId);
        if (!state.getBackends(i).getNeedsRecovery()) {
            return state;
        }
        ClusterState.Builder b = state.toBuilder();
        b.setBackends(i, b.getBackends(i).toBuilder().setNeedsRecovery(false));
        return withEvent(b, event(now, "recovery", nodeId, state.getPrimary().getEpoch(),
                "node " + nodeId + " no longer needs recovery: " + reason)).build();
    }

    private static ClusterState leaderAnnounce(ClusterState state, int nodeId, long term, long now) {
        if (term <= state.getLeaderTerm()) {
            return state;
        }
        ClusterState.Builder b = state.toBuilder().setLeaderTerm(term).setLeaderNode(nodeId);
        String previous = state.getLeaderNode() >= 0 ? " (was node " + state.getLeaderNode() + ")" : "";
        return withEvent(b, event(now, "leader", nodeId, state.getPrimary().getEpoch(),
                "node " + nodeId + " is the Raft leader at term " + term + previous)).build();
    }

    private static Optional<String> validateBeginRecovery(ClusterState state, BeginRecovery r) {
        Optional<String> backend = requireBackend(state, r.getNodeId());
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
        if (Recoveries.find(state, r.getNodeId()).isPresent()) {
            return Optional.of("node " + r.getNodeId() + " is already being recovered");
        }
        return Optional.empty();
    }

    private static Optional<String> requireRecovery(ClusterState state, int node, long epoch) {
        Optional<io.raftpool.proto.Recovery> r = Recoveries.find(state, node);
        if (r.isEmpty() || (epoch >= 0 && r.get().getEpoch() != epoch)) {
            return Optional.of("no recovery of node " + node + (epoch >= 0 ? " at epoch " + epoch : "") + " is in progress");
        }
        return Optional.empty();
    }

    private static boolean isPromoting(ClusterState state, long epoch, int node) {
        Primary p = state.getPrimary();
        return p.getEpoch() == epoch && p.getNodeId() == node && p.getPhase() == PrimaryPhase.PROMOTING;
    }

    private static Optional<String> requireNode(ClusterState state, int id, String what) {
        return ClusterStates.node(state, id).isPresent() ? Optional.empty()
                : Optional.of(what + " node " + id + " is not in the cluster; nodes are " + ClusterStates.nodeIds(state));
    }

    private static Optional<String> requireBackend(ClusterState state, int id) {
        if (ClusterStates.indexOfBackend(state, id) >= 0) {
            return Optional.empty();
        }
        if (ClusterStates.node(state, id).isPresent()) {
            return Optional.of("node " + id + " is a witness: it has no PostgreSQL server");
        }
        return Optional.of("node " + id + " is not in the cluster; nodes with PostgreSQL are " + ClusterStates.backendIds(state));
    }

    static String kindName(Operation.Kind kind) {
        return switch (kind) {
            case PROMOTE -> "promote";
            case SWITCHOVER -> "switchover";
            case RECOVERY -> "recovery";
            default -> "failover";
        };
    }

    static Event.Builder event(long now, String kind, int node, long epoch, String message) {
        return Event.newBuilder().setAtMs(now).setKind(kind).setNodeId(node).setEpoch(epoch).setMessage(message);
    }

    static ClusterState.Builder withEvent(ClusterState.Builder b, Event.Builder e) {
        b.addEvents(e.setSeq(b.getNextEventSeq()));
        b.setNextEventSeq(b.getNextEventSeq() + 1);
        while (b.getEventsCount() > MAX_EVENTS) {
            b.removeEvents(0);
        }
        return b;
    }
}
