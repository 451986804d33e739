package io.raftpool.server.state;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.InitCluster;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.VipHolder;
import java.util.Optional;

/**
 * The state machine's one rule: {@code (state, command) -> state}. Pure and total: no I/O, no
 * clock (the command carries its issue time), and a command that no longer fits the state (an
 * old leader's stale order, a report about a node that left) yields the state unchanged, never
 * an exception — an exception in apply would stop the Raft server. {@link #validate} says why
 * a command does not fit, so it can be refused before it is ever logged.
 *
 * <p>Here: the empty state, the cluster's initialisation and the dispatch. Each family of
 * commands has its handler, as pure as this class: {@link BackendStatuses} (reports, marks,
 * detach, needs-recovery), {@link Failovers} (a change of primary), {@link Recoveries}
 * (recovery-node), {@link Membership} (add-node, remove-node), {@link SyncStandbys},
 * {@link LeaderAndVip}, {@link MaintenanceMode}, {@link ClusterParameters},
 * {@link ServerRestarts}; every one of them records what it did in the {@link EventLog}.
 */
public final class Transitions {
    public static final int FORMAT_VERSION = 1;
    public static final int MAX_EVENTS = EventLog.MAX_EVENTS;

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
        return switch (command.getKindCase()) {
            case KIND_NOT_SET -> Optional.of("command has no kind");
            case INIT_CLUSTER -> validateInit(command.getInitCluster());
            case REPORT -> BackendStatuses.validateReport(state, command.getReport().getObservation());
            case MARK -> NodeRefusals.requireBackend(state, command.getMark().getNodeId());
            case BEGIN_FAILOVER -> Failovers.validateBegin(state, command.getBeginFailover());
            case PROMOTION_DONE -> Failovers.validatePromotionDone(state, command.getPromotionDone());
            case PROMOTION_FAILED -> Failovers.validatePromotionFailed(state, command.getPromotionFailed());
            case SET_VIP -> LeaderAndVip.validateVip(state, command.getSetVip());
            case SET_DETACHED -> NodeRefusals.requireBackend(state, command.getSetDetached().getNodeId());
            case CLEAR_NEEDS_RECOVERY -> NodeRefusals.requireBackend(state, command.getClearNeedsRecovery().getNodeId());
            case LEADER_ANNOUNCE -> NodeRefusals.requireNode(state, command.getLeaderAnnounce().getNodeId(), "leader");
            case APPEND_EVENT -> Optional.empty();
            case BEGIN_RECOVERY -> Recoveries.validateBegin(state, command.getBeginRecovery());
            case RECOVERY_STEP -> Recoveries.validateStep(state, command.getRecoveryStep());
            case RECOVERY_DONE -> Recoveries.validateDone(state, command.getRecoveryDone());
            case RECOVERY_FAILED -> Recoveries.validateFailed(state, command.getRecoveryFailed());
            case SWITCHOVER_DEMOTED -> Failovers.validateSwitchoverDemoted(state, command.getSwitchoverDemoted());
            case ADD_NODE -> Membership.validateAdd(state, command.getAddNode().getNode());
            case REMOVE_NODE -> Membership.validateRemove(state, command.getRemoveNode().getNodeId());
            case SET_SYNC_STANDBYS -> SyncStandbys.validate(state, command.getSetSyncStandbys());
            case AGENT_AWAY -> NodeRefusals.requireBackend(state, command.getAgentAway().getNodeId());
            case RESTART_PRIMARY -> Failovers.validateRestart(state, command.getRestartPrimary());
            case SET_MAINTENANCE -> MaintenanceMode.validate(state, command.getSetMaintenance());
            case SET_PARAMETERS -> ClusterParameters.validateSet(state, command.getSetParameters());
            case REPORT_PARAMETERS -> ClusterParameters.validateReport(state, command.getReportParameters());
            case REQUEST_RESTART -> ServerRestarts.validateRequest(state, command.getRequestRestart());
            case RESTART_DONE -> ServerRestarts.validateDone(state, command.getRestartDone());
            case SET_QUORUM -> Quorums.validate(state, command.getSetQuorum());
            case REQUEST_BACKUP -> BaseBackups.validateRequest(state, command.getRequestBackup());
            case BACKUP_STEP -> BaseBackups.validateStep(state, command.getBackupStep());
            case BACKUP_DONE -> BaseBackups.validateDone(state, command.getBackupDone());
            default -> Optional.of("unknown command kind " + command.getKindCase());
        };
    }

    public static ClusterState apply(ClusterState state, Command command) {
        if (validate(state, command).isPresent()) {
            return state;
        }
        long now = command.getIssuedMs();
        return switch (command.getKindCase()) {
            case INIT_CLUSTER -> initCluster(state, command.getInitCluster(), now);
            case REPORT -> BackendStatuses.report(state, command.getReport().getObservation());
            case MARK -> BackendStatuses.mark(state, command.getMark(), now);
            case BEGIN_FAILOVER -> Failovers.begin(state, command.getBeginFailover(), command.getTerm(), now);
            case PROMOTION_DONE -> Failovers.promotionDone(state, command.getPromotionDone(), now);
            case PROMOTION_FAILED -> Failovers.promotionFailed(state, command.getPromotionFailed(), now);
            case SET_VIP -> LeaderAndVip.setVip(state, command.getSetVip(), now);
            case SET_DETACHED -> BackendStatuses.setDetached(state, command.getSetDetached(), now);
            case CLEAR_NEEDS_RECOVERY -> BackendStatuses.clearNeedsRecovery(state, command.getClearNeedsRecovery().getNodeId(),
                    command.getClearNeedsRecovery().getReason(), now);
            case LEADER_ANNOUNCE -> LeaderAndVip.leaderAnnounce(state, command.getLeaderAnnounce().getNodeId(),
                    command.getLeaderAnnounce().getTerm(), now);
            case APPEND_EVENT -> EventLog.withEvent(state.toBuilder(), command.getAppendEvent().getEvent().toBuilder().setAtMs(now))
                    .build();
            case BEGIN_RECOVERY -> Recoveries.begin(state, command.getBeginRecovery(), now);
            case RECOVERY_STEP -> Recoveries.step(state, command.getRecoveryStep(), now);
            case RECOVERY_DONE -> Recoveries.done(state, command.getRecoveryDone(), now);
            case RECOVERY_FAILED -> Recoveries.failed(state, command.getRecoveryFailed(), now);
            case SWITCHOVER_DEMOTED -> Failovers.switchoverDemoted(state, command.getSwitchoverDemoted(), now);
            case SET_SYNC_STANDBYS -> SyncStandbys.apply(state, command.getSetSyncStandbys(), now);
            case AGENT_AWAY -> BackendStatuses.agentAway(state, command.getAgentAway(), now);
            case RESTART_PRIMARY -> Failovers.restart(state, command.getRestartPrimary(), now);
            case SET_MAINTENANCE -> MaintenanceMode.apply(state, command.getSetMaintenance(), now);
            case SET_PARAMETERS -> ClusterParameters.applySet(state, command.getSetParameters(), now);
            case REPORT_PARAMETERS -> ClusterParameters.applyReport(state, command.getReportParameters(), now);
            case REQUEST_RESTART -> ServerRestarts.request(state, command.getRequestRestart(), now);
            case RESTART_DONE -> ServerRestarts.done(state, command.getRestartDone(), now);
            case SET_QUORUM -> Quorums.apply(state, command.getSetQuorum(), now);
            case REQUEST_BACKUP -> BaseBackups.request(state, command.getRequestBackup(), now);
            case BACKUP_STEP -> BaseBackups.step(state, command.getBackupStep());
            case BACKUP_DONE -> BaseBackups.done(state, command.getBackupDone(), now);
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
                .setSyncMode(init.getSyncMode() || init.getQuorumCount() > 0)
                .setQuorum(io.raftpool.proto.Quorum.newBuilder().setConfigured(init.getQuorumCount()))
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
        return EventLog.withEvent(b, EventLog.event(now, "init", init.getBootstrapPrimary(), 1,
                "cluster '" + init.getClusterName() + "' initialised with " + init.getNodesCount()
                        + " nodes; node " + init.getBootstrapPrimary() + " bootstraps as the first primary")).build();
    }

    private static Optional<String> validateInit(InitCluster init) {
        if (init.getNodesCount() < 3) {
            return Optional.of("init_cluster needs at least 3 nodes, got " + init.getNodesCount());
        }
        if (init.getNodesList().stream().noneMatch(n -> n.getId() == init.getBootstrapPrimary() && !n.getWitness())) {
            return Optional.of("init_cluster: bootstrap primary " + init.getBootstrapPrimary()
                    + " is not a node with PostgreSQL");
        }
        return Optional.empty();
    }
}
