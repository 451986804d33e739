package io.raftpool.server.api;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.ClusterStates;
import java.util.Optional;

/**
 * Whether an operator's command makes sense in the committed state, and if not, why: pure
 * functions, so every refusal is tested without a cluster.
 */
public final class AdminChecks {
    private AdminChecks() {}

    public static Optional<String> promote(ClusterState s, int node) {
        Optional<String> unknown = backendOf(s, node);
        if (unknown.isPresent()) {
            return unknown;
        }
        Backend b = ClusterStates.backend(s, node).orElseThrow();
        if (isPrimary(s, node)) {
            return Optional.of("node " + node + " is the primary already (epoch " + s.getPrimary().getEpoch() + ")");
        }
        if (s.getPrimary().getPhase() == PrimaryPhase.PROMOTING || s.getPrimary().getPhase() == PrimaryPhase.BOOTSTRAPPING) {
            return Optional.of("a promotion is already in progress (node " + s.getPrimary().getNodeId() + ", epoch "
                    + s.getPrimary().getEpoch() + "); wait for it to finish");
        }
        if (b.getStatus() != BackendStatus.UP) {
            return Optional.of("node " + node + " is " + ClusterStates.statusName(b.getStatus())
                    + " (" + b.getStatusReason() + "); only an up standby can be promoted");
        }
        if (b.getNeedsRecovery()) {
            return Optional.of("node " + node + " needs recovery first: raftpool recovery-node " + node);
        }
        if (b.getDetached()) {
            return Optional.of("node " + node + " is detached; attach it first: raftpool attach-node " + node);
        }
        if (s.getSyncMode() && !s.getSyncStandbysList().contains(node)) {
            return Optional.of("node " + node + " is not a committed synchronous standby (those are "
                    + s.getSyncStandbysList() + "); in sync mode promoting it could lose acknowledged writes");
        }
        return Optional.empty();
    }

    public static Optional<String> recover(ClusterState s, int node) {
        Optional<String> unknown = backendOf(s, node);
        if (unknown.isPresent()) {
            return unknown;
        }
        if (s.getPrimary().getNodeId() == node) {
            return Optional.of("node " + node + " is the primary; recovery-node rebuilds a standby or a failed server");
        }
        if (s.getPrimary().getPhase() != PrimaryPhase.ACTIVE) {
            return Optional.of("there is no active primary to rebuild node " + node + " from (primary phase "
                    + s.getPrimary().getPhase() + "); wait for the failover to finish");
        }
        if (s.getRecoveriesList().stream().anyMatch(r -> r.getNodeId() == node)) {
            return Optional.of("node " + node + " is already being recovered; see raftpool pool-nodes");
        }
        return Optional.empty();
    }

    /** Refusal of a switchover to {@code target} (already resolved from "the best standby"). */
    public static Optional<String> switchover(ClusterState s, int target) {
        if (s.getPrimary().getPhase() != PrimaryPhase.ACTIVE) {
            return Optional.of("the primary is not active (phase " + s.getPrimary().getPhase() + "); a switchover needs"
                    + " a running primary");
        }
        if (target < 0) {
            return Optional.of("no standby is up and streaming: nothing to switch over to");
        }
        Optional<String> unknown = backendOf(s, target);
        if (unknown.isPresent()) {
            return unknown;
        }
        if (s.getPrimary().getNodeId() == target) {
            return Optional.of("node " + target + " is the primary already");
        }
        Backend b = ClusterStates.backend(s, target).orElseThrow();
        if (b.getStatus() != BackendStatus.UP || !"streaming".equals(b.getReplicationState()) || b.getNeedsRecovery()
                || b.getDetached()) {
            return Optional.of("node " + target + " is not an up, attached, streaming standby ("
                    + ClusterStates.statusName(b.getStatus()) + (b.getReplicationState().isEmpty() ? "" : ", "
                    + b.getReplicationState()) + "); pick another with --to N");
        }
        if (s.getSyncMode() && !s.getSyncStandbysList().contains(target)) {
            return Optional.of("node " + target + " is not a synchronous standby (those are " + s.getSyncStandbysList()
                    + "); in sync mode only they can take over without losing acknowledged writes");
        }
        return Optional.empty();
    }

    /** The standby a switchover goes to when none is named: up, streaming, least lag, lowest id. */
    public static int bestStandby(ClusterState s) {
        return leastBehindStandby(s, b -> !s.getSyncMode() || s.getSyncStandbysList().contains(b.getNodeId()));
    }

    /** The up, streaming, attached standby with the least lag (unknown lag last) that {@code also} accepts; -1: none. */
    public static int leastBehindStandby(ClusterState s, java.util.function.Predicate<Backend> also) {
        return s.getBackendsList().stream()
                .filter(b -> b.getNodeId() != s.getPrimary().getNodeId() && b.getStatus() == BackendStatus.UP
                        && "streaming".equals(b.getReplicationState()) && !b.getNeedsRecovery() && !b.getDetached()
                        && also.test(b))
                .min(java.util.Comparator.comparingLong((Backend b) -> b.getLagBytes() < 0 ? Long.MAX_VALUE : b.getLagBytes())
                        .thenComparingInt(Backend::getNodeId))
                .map(Backend::getNodeId).orElse(-1);
    }

    public static Optional<String> setDetached(ClusterState s, int node, boolean detach) {
        Optional<String> unknown = backendOf(s, node);
        if (unknown.isPresent()) {
            return unknown;
        }
        Backend b = ClusterStates.backend(s, node).orElseThrow();
        if (detach && isPrimary(s, node)) {
            return Optional.of("node " + node + " is the primary; promote another node first (raftpool promote-node N)");
        }
        if (b.getDetached() == detach) {
            return Optional.of("node " + node + " is " + (detach ? "detached" : "attached") + " already");
        }
        return Optional.empty();
    }

    /**
     * Whether the node is the primary or becoming it. After a failed promotion (phase none) the
     * committed primary id still names the failed target, which is no primary at all.
     */
    private static boolean isPrimary(ClusterState s, int node) {
        return s.getPrimary().getNodeId() == node && s.getPrimary().getPhase() != PrimaryPhase.PHASE_NONE;
    }

    private static Optional<String> backendOf(ClusterState s, int node) {
        if (!ClusterStates.isInitialised(s)) {
            return Optional.of("the cluster is not initialised yet");
        }
        if (ClusterStates.node(s, node).isEmpty()) {
            return Optional.of("node " + node + " is not in the cluster; nodes are " + ClusterStates.nodeIds(s));
        }
        if (ClusterStates.backend(s, node).isEmpty()) {
            return Optional.of("node " + node + " is a witness: it has no PostgreSQL server");
        }
        return Optional.empty();
    }
}
