package io.raftpool.chaos.nemesis;

import io.grpc.Status;
import io.raftpool.api.AdminClient;
import io.raftpool.api.AdminException;
import io.raftpool.api.CallFailure;
import io.raftpool.config.NodeConfig;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.SwitchoverRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * {@link ClusterOps} through the admin API (RecoverNode, Switchover), asking the Raft leader
 * first: an agent just back from a partition or a pause judges a request against what it knew
 * before ("node 0 is the primary") until it has caught up.
 */
public final class AdminClusterOps implements ClusterOps {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final LocalCluster cluster;

    public AdminClusterOps(LocalCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public Outcome recoverNode(int node, Duration timeout) {
        NodeRequest r = NodeRequest.newBuilder().setNodeId(node).setWait(true).setTimeoutMs(timeout.toMillis()).build();
        return call("RecoverNode", c -> c.recoverNode(r));
    }

    @Override
    public Outcome switchover(Duration timeout) {
        SwitchoverRequest r = SwitchoverRequest.newBuilder().setTarget(-1).setWait(true).setTimeoutMs(timeout.toMillis())
                .build();
        return call("Switchover", c -> c.switchover(r));
    }

    private Outcome call(String rpc, Function<AdminClient, ActionReply> call) {
        List<String> all = cluster.config().nodes().stream().map(NodeConfig::adminAddress).toList();
        int leader = cluster.raftLeader();
        String first = leader >= 0 ? cluster.config().requireNode(leader).adminAddress() : all.get(0);
        try (AdminClient client = AdminClient.connect(first, all, CALL_TIMEOUT)) {
            ActionReply reply = call.apply(client);
            return new Outcome(true, reply.getAccepted(), reply.getMessage());
        } catch (AdminException e) {
            boolean unimplemented = e.failures().stream().map(CallFailure::code).anyMatch(c -> c == Status.Code.UNIMPLEMENTED)
                    || String.valueOf(e.getMessage()).contains("UNIMPLEMENTED");
            return unimplemented ? Outcome.unavailable("the agents do not implement " + rpc + " yet")
                    : new Outcome(true, false, e.getMessage());
        }
    }
}
