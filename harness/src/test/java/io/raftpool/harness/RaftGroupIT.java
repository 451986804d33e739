package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real 3-agent Ratis group: election, and the leader's process killed. */
class RaftGroupIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Test
    void killingTheLeaderProcessElectsAnotherAndTheSurvivorsKeepTheCommittedState() {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(Duration.ofSeconds(120));
        // commit a few changes so there is state to lose
        for (int i = 0; i < 3; i++) {
            assertThat(cluster.admin().detachNode(NodeRequest.newBuilder().setNodeId(1).build()).getAccepted()).isTrue();
            assertThat(cluster.admin().attachNode(NodeRequest.newBuilder().setNodeId(1).build()).getAccepted()).isTrue();
        }
        // not the primary's node: a killed agent there costs a failover (its watchdog fences the
        // server when the lease runs out), and this test is about the Raft state only
        int leader = FailoverIT.leaderOtherThan(cluster, cluster.state().orElseThrow().getPrimary().getNodeId());
        ClusterState before = cluster.state().orElseThrow();
        cluster.agent(leader).kill();

        cluster.awaitState("a new leader", BUDGET, st -> {
            int now = cluster.raftLeader();
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
                // (the shared cluster's history may have dropped its oldest events since: compare by seq)
                long oldestKept = s.getEvents(0).getSeq();
                assertThat(s.getEventsList().stream().filter(e -> e.getSeq() < before.getNextEventSeq()).toList())
                        .isEqualTo(before.getEventsList().stream().filter(e -> e.getSeq() >= oldestKept).toList());
                assertThat(s.getPrimary()).isEqualTo(before.getPrimary());
                assertThat(s.getBackendsList().stream().map(b -> b.getDetached()).toList())
                        .isEqualTo(before.getBackendsList().stream().map(b -> b.getDetached()).toList());
            }
        }
        assertThat(survivors).hasSize(2);
    }

    static ClusterState stateOf(LocalCluster cluster, NodeConfig n) {
        try (var one = io.raftpool.api.AdminClient.connect(List.of(n.adminAddress()), Duration.ofSeconds(2))) {
            return one.getState().getState();
        }
    }
}
