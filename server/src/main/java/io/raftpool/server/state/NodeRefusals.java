package io.raftpool.server.state;

import io.raftpool.proto.ClusterState;
import java.util.Optional;

/** Why a command about a node does not fit: the node is not in the cluster, or it has no PostgreSQL server. */
final class NodeRefusals {
    private NodeRefusals() {}

    static Optional<String> requireNode(ClusterState state, int id, String what) {
        return ClusterStates.node(state, id).isPresent() ? Optional.empty()
                : Optional.of(what + " node " + id + " is not in the cluster; nodes are " + ClusterStates.nodeIds(state));
    }

    static Optional<String> requireBackend(ClusterState state, int id) {
        if (ClusterStates.indexOfBackend(state, id) >= 0) {
            return Optional.empty();
        }
        if (ClusterStates.node(state, id).isPresent()) {
            return Optional.of("node " + id + " is a witness: it has no PostgreSQL server");
        }
        return Optional.of("node " + id + " is not in the cluster; nodes with PostgreSQL are " + ClusterStates.backendIds(state));
    }
}
