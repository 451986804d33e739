package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.AddNodeRequest;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeRequest;
import io.raftpool.server.leader.ClusterInit;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** add-node / remove-node on a running cluster, without downtime. */
class MembershipIT {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(90);

    @Test
    void aThirdPostgresNodeJoinsAsAStreamingStandbyAndLeavesAgain() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("members"))) {
            cluster.awaitHealthy(START);
            FailoverIT.execute(cluster, 0, "create table t (id int); insert into t values (1)");

            int id = cluster.addPostgresNodeToConfig();
            cluster.agent(id).start();
            String address = cluster.config().requireNode(id).adminAddress();
            cluster.awaitState("agent " + id + " started", BUDGET,
                    st -> cluster.admin().getRaftInfo(address).getNodeId() == id);
            ActionReply added = cluster.admin().addNode(AddNodeRequest.newBuilder()
                    .setNode(ClusterInit.nodeInfo(cluster.config().requireNode(id))).setTimeoutMs(60_000).build());
            assertThat(added.getAccepted()).as(added.getMessage()).isTrue();
            ClusterState s = cluster.awaitState("node " + id + " up and streaming", BUDGET,
                    st -> ClusterStates.backend(st, id).map(b -> b.getStatus() == BackendStatus.UP
                            && b.getReplicationState().equals("streaming")).orElse(false));
            assertThat(s.getNodesCount()).isEqualTo(4);
            assertThat(cluster.admin().getWatchdogInfo().getAgentsTotal()).isEqualTo(4);
            assertThat(FailoverIT.query(cluster, id, "select count(*) from t")).isEqualTo("1");
            assertThat(FailoverIT.query(cluster, 0,
                    "select count(*) from pg_stat_replication where application_name = 'pgsql" + (id + 1) + "'")).isEqualTo("1");

            ActionReply primaryRefused = cluster.admin().removeNode(NodeRequest.newBuilder().setNodeId(0).build());
            assertThat(primaryRefused.getAccepted()).isFalse();
            assertThat(primaryRefused.getMessage()).contains("primary");

            ActionReply removed = cluster.admin().removeNode(NodeRequest.newBuilder().setNodeId(id).build());
            assertThat(removed.getAccepted()).as(removed.getMessage()).isTrue();
            ClusterState after = cluster.awaitState("node " + id + " gone", BUDGET,
                    st -> ClusterStates.node(st, id).isEmpty() && ClusterHealth.healthy(st));
            assertThat(after.getNodesCount()).isEqualTo(3);
            cluster.agent(id).stop(Duration.ofSeconds(10)); // as the operator does after remove-node
            cluster.postgres(id).stop(io.raftpool.server.postgres.StopMode.FAST, BUDGET);
            cluster.awaitState("its slot dropped", BUDGET, st -> FailoverIT.query(cluster, 0,
                    "select count(*) from pg_replication_slots where slot_name = 'pgsql" + (id + 1) + "'").equals("0"));
            assertThat(cluster.admin().getWatchdogInfo().getAgentsTotal()).isEqualTo(3);

            ActionReply tooFew = cluster.admin().removeNode(NodeRequest.newBuilder().setNodeId(2).build());
            assertThat(tooFew.getAccepted()).isFalse();
            assertThat(tooFew.getMessage()).contains("at least 3 agents");
        }
    }
}
