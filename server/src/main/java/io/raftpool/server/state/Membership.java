package io.raftpool.server.state;

import static io.raftpool.server.state.EventLog.event;
import static io.raftpool.server.state.EventLog.withEvent;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.RemoveNode;
import java.util.Optional;

/** Nodes joining and leaving the committed state (add-node, remove-node). Pure. */
final class Membership {
    private Membership() {}

    static Optional<String> validateAdd(ClusterState s, NodeInfo n) {
        if (ClusterStates.node(s, n.getId()).isPresent()) {
            return Optional.of("node " + n.getId() + " is in the cluster already");
        }
        for (NodeInfo other : s.getNodesList()) {
            if (other.getName().equals(n.getName())) {
                return Optional.of("name '" + n.getName() + "' is used by node " + other.getId() + " already");
            }
            if (other.getHost().equals(n.getHost())) {
                for (int port : new int[] {n.getRaftPort(), n.getAdminPort(), n.getPgPort()}) {
                    if (port > 0 && (port == other.getRaftPort() || port == other.getAdminPort() || port == other.getPgPort())) {
                        return Optional.of("port " + port + " on " + n.getHost() + " is used by node " + other.getId());
                    }
                }
            }
        }
        if (n.getRaftPort() <= 0 || n.getAdminPort() <= 0 || n.getHost().isEmpty()) {
            return Optional.of("node " + n.getId() + " needs a host, a raft port and an admin port");
        }
        return Optional.empty();
    }

    static Optional<String> validateRemove(ClusterState s, int id) {
        if (ClusterStates.node(s, id).isEmpty()) {
            return Optional.of("node " + id + " is not in the cluster; nodes are " + ClusterStates.nodeIds(s));
        }
        if (s.getPrimary().getNodeId() == id && s.getPrimary().getPhase() != PrimaryPhase.PHASE_NONE) {
            return Optional.of("node " + id + " is the primary; switch over to another node first (raftpool switchover)");
        }
        if (s.getNodesCount() <= 3) {
            return Optional.of("the cluster has " + s.getNodesCount() + " nodes; raft needs at least 3 agents, add one"
                    + " before removing node " + id);
        }
        boolean lastServer = s.getBackendsList().stream().allMatch(b -> b.getNodeId() == id);
        if (lastServer) {
            return Optional.of("node " + id + " is the last PostgreSQL server");
        }
        return Optional.empty();
    }

    static ClusterState add(ClusterState s, NodeInfo n, long now) {
        ClusterState.Builder b = s.toBuilder().addNodes(n);
        if (!n.getWitness()) {
            b.addBackends(Backend.newBuilder().setNodeId(n.getId()).setStatus(BackendStatus.STATUS_UNKNOWN)
                    .setRole(BackendRole.STANDBY).setLagBytes(-1).setStatusChangedMs(now).setRoleChangedMs(now)
                    .setStatusReason("added by add-node; its agent builds it as a standby"));
        }
        return withEvent(b, event(now, "membership", n.getId(), s.getPrimary().getEpoch(),
                "node " + n.getId() + " (" + n.getName() + ", " + n.getHost() + (n.getWitness() ? ", witness"
                        : ", PostgreSQL port " + n.getPgPort()) + ") joined the cluster")).build();
    }

    static ClusterState remove(ClusterState s, RemoveNode r, long now) {
        int id = r.getNodeId();
        String name = ClusterStates.node(s, id).map(NodeInfo::getName).orElse("?");
        ClusterState.Builder b = s.toBuilder();
        b.clearNodes().addAllNodes(s.getNodesList().stream().filter(n -> n.getId() != id).toList());
        b.clearBackends().addAllBackends(s.getBackendsList().stream().filter(x -> x.getNodeId() != id).toList());
        b.clearObservations().addAllObservations(s.getObservationsList().stream()
                .filter(o -> o.getObserver() != id && o.getSubject() != id).toList());
        b.clearRecoveries().addAllRecoveries(s.getRecoveriesList().stream().filter(x -> x.getNodeId() != id).toList());
        Quorums.forget(b, id);
        b.clearSyncStandbys().addAllSyncStandbys(s.getSyncStandbysList().stream().filter(x -> x != id).toList());
        if (s.hasSyncTarget() && s.getSyncTarget() == id) {
            b.clearSyncTarget();
        }
        return withEvent(b, event(now, "membership", id, s.getPrimary().getEpoch(),
                "node " + id + " (" + name + ") left the cluster: " + r.getReason())).build();
    }
}
