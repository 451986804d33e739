package io.raftpool.proxy;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import java.util.ArrayList;
import java.util.List;

/** Committed states for the integration tests, built one server at a time. */
final class States {

    private final List<NodeInfo> nodes = new ArrayList<>();
    private final List<Backend> backends = new ArrayList<>();
    private Primary primary = Primary.newBuilder().setNodeId(-1).build();

    static States cluster() {
        return new States();
    }

    States server(int id, int pgPort, BackendRole role, BackendStatus status) {
        nodes.add(NodeInfo.newBuilder().setId(id).setName("pg" + id).setHost("127.0.0.1").setPgPort(pgPort).build());
        backends.add(Backend.newBuilder().setNodeId(id).setRole(role).setStatus(status).build());
        return this;
    }

    States primary(int id, int pgPort) {
        return server(id, pgPort, BackendRole.PRIMARY, BackendStatus.UP);
    }

    States standby(int id, int pgPort) {
        return server(id, pgPort, BackendRole.STANDBY, BackendStatus.UP);
    }

    States downStandby(int id, int pgPort) {
        return server(id, pgPort, BackendRole.STANDBY, BackendStatus.DOWN);
    }

    States epoch(long epoch, int node, PrimaryPhase phase) {
        primary = Primary.newBuilder().setNodeId(node).setEpoch(epoch).setPhase(phase).build();
        return this;
    }

    ClusterState build() {
        return ClusterState.newBuilder().setClusterName("proxy-test").addAllNodes(nodes).addAllBackends(backends)
                .setPrimary(primary).build();
    }
}
