package io.raftpool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

    @Test
    void takesAddressesFromTheNodesAndLeavesOutWhatHasNone() {
        ClusterState state = ClusterState.newBuilder()
                .addNodes(NodeInfo.newBuilder().setId(0).setName("pgsql1").setHost("10.0.0.11").setPgPort(5432))
                .addNodes(NodeInfo.newBuilder().setId(1).setName("pgsql2").setHost("10.0.0.12").setPgPort(5433))
                .addNodes(NodeInfo.newBuilder().setId(2).setName("witness").setHost("10.0.0.13").setWitness(true))
                .addBackends(Backend.newBuilder().setNodeId(0).setStatus(BackendStatus.UP).setRole(BackendRole.PRIMARY))
                .addBackends(Backend.newBuilder().setNodeId(1).setStatus(BackendStatus.DOWN).setRole(BackendRole.STANDBY)
                        .setDetached(true).setNeedsRecovery(true))
                .addBackends(Backend.newBuilder().setNodeId(2))
                .addBackends(Backend.newBuilder().setNodeId(9))
                .setPrimary(Primary.newBuilder().setNodeId(0).setEpoch(3).setPhase(PrimaryPhase.ACTIVE))
                .build();

        ClusterView view = ClusterView.from(state);

        assertThat(view.epoch()).isEqualTo(3);
        assertThat(view.primaryNodeId()).isEqualTo(0);
        assertThat(view.phase()).isEqualTo(PrimaryPhase.ACTIVE);
        assertThat(view.backends()).containsOnlyKeys(0, 1);
        assertThat(view.backend(0)).contains(new BackendView(0, "pgsql1", "10.0.0.11", 5432, BackendStatus.UP,
                BackendRole.PRIMARY, false, false));
        assertThat(view.backend(1)).contains(new BackendView(1, "pgsql2", "10.0.0.12", 5433, BackendStatus.DOWN,
                BackendRole.STANDBY, true, true));
    }

    @Test
    void anEmptyStateHasNoPrimary() {
        ClusterView view = ClusterView.from(ClusterState.getDefaultInstance());
        assertThat(view.primaryNodeId()).isEqualTo(-1);
        assertThat(view.phase()).isEqualTo(PrimaryPhase.PHASE_NONE);
        assertThat(view.backends()).isEmpty();
    }
}
