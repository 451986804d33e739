package io.raftpool.proxy;

import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.PrimaryPhase;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The part of the committed cluster state the proxy routes by: who is primary at which epoch,
 * and every PostgreSQL server with its address. Built from a {@link ClusterState}; a backend
 * whose node is not in the state has no address and is left out.
 */
public record ClusterView(long epoch, int primaryNodeId, PrimaryPhase phase, Map<Integer, BackendView> backends) {

    public ClusterView {
        backends = Map.copyOf(backends);
    }

    public static ClusterView from(ClusterState state) {
        Map<Integer, NodeInfo> nodes = new HashMap<>();
        for (NodeInfo node : state.getNodesList()) {
            nodes.put(node.getId(), node);
        }
        Map<Integer, BackendView> backends = new TreeMap<>();
        for (Backend b : state.getBackendsList()) {
            NodeInfo node = nodes.get(b.getNodeId());
            if (node == null || node.getWitness()) {
                continue;
            }
            backends.put(b.getNodeId(), new BackendView(b.getNodeId(), node.getName(), node.getHost(),
                    node.getPgPort(), b.getStatus(), b.getRole(), b.getDetached(), b.getNeedsRecovery()));
        }
        int primary = state.hasPrimary() ? state.getPrimary().getNodeId() : -1;
        long epoch = state.hasPrimary() ? state.getPrimary().getEpoch() : 0;
        PrimaryPhase phase = state.hasPrimary() ? state.getPrimary().getPhase() : PrimaryPhase.PHASE_NONE;
        return new ClusterView(epoch, primary, phase, backends);
    }

    public Optional<BackendView> backend(int nodeId) {
        return Optional.ofNullable(backends.get(nodeId));
    }
}
