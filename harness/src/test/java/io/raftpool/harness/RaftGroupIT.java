package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real 3-agent Ratis group: election, and the leader's process killed. */
class RaftGroupIT {
    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Test
    void killingTheLeaderProcessElectsAnotherAndTheSurvivorsKeepTheCommittedState() {
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("raftgroup"))) {
            cluster.awaitHealthy(Duration.ofSeconds(120));
            // commit a few changes so there is state to lose
            for (int i = 0; i < 3; i++) {
                assertThat(cluster.admin().detachNode(NodeRequest.newBuilder().setNodeId(1).build()).getAccepted()).isTrue();
                assertThat(cluster.admin().attachNode(NodeRequest.newBuilder().setNodeId(1).build()).getAccepted()).isTrue();
            }
            int leader = FailoverIT.leaderOtherThan(cluster, -1);
            ClusterState before = cluster.state().orElseThrow();
            cluster.agent(leader).kill();

            cluster.awaitState("a new leader", BUDGET, st -> {
                int now = FailoverIT.currentLeader(cluster);
                return now >= 0 && now != leader;
            });
            List<ClusterState> survivors = new ArrayList<>();
            for (NodeConfig n : cluster.config().nodes()) {
                if (n.id() != leader) {
                    survivors.add(cluster.awaitState("agent " + n.id() + " caught up", BUDGET,
                            st -> stateOf(cluster, n).getNextEventSeq() >= before.getNextEventSeq()));
                }
            }
            for (NodeConfig n : cluster.config().nodes()) {
                if (n.id() != leader) {
                    ClusterState s = stateOf(cluster, n);
                    // everything committed before the kill is there, in the same order
                    assertThat(s.getEventsList().subList(0, before.getEventsCount())).isEqualTo(before.getEventsList());
                    assertThat(s.getPrimary()).isEqualTo(before.getPrimary());
                    assertThat(s.getBackendsList().stream().map(b -> b.getDetached()).toList())
                            .isEqualTo(before.getBackendsList().stream().map(b -> b.getDetached()).toList());
                }
            }
            assertThat(survivors).hasSize(2);
        }
    }

    static ClusterState stateOf(LocalCluster cluster, NodeConfig n) {
        try (var one = io.raftpool.api.AdminClient.connect(List.of(n.adminAddress()), Duration.ofSeconds(2))) {
            return one.getState().getState();
        }
    }
}
