package io.raftpool.chaos.nemesis;

import io.grpc.Status;
import io.raftpool.api.AdminClient;
import io.raftpool.api.AdminException;
import io.raftpool.api.CallFailure;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.SwitchoverRequest;
import java.time.Duration;
import java.util.function.Supplier;

/** {@link ClusterOps} through the admin API (RecoverNode, Switchover). */
public final class AdminClusterOps implements ClusterOps {
    private final Supplier<AdminClient> admin;

    public AdminClusterOps(Supplier<AdminClient> admin) {
        this.admin = admin;
    }

    @Override
    public Outcome recoverNode(int node, Duration timeout) {
        return call("RecoverNode", () -> admin.get().recoverNode(NodeRequest.newBuilder().setNodeId(node).setWait(true)
                .setTimeoutMs(timeout.toMillis()).build()));
    }

    @Override
    public Outcome switchover(Duration timeout) {
        return call("Switchover", () -> admin.get().switchover(SwitchoverRequest.newBuilder().setTarget(-1).setWait(true)
                .setTimeoutMs(timeout.toMillis()).build()));
    }

    private static Outcome call(String rpc, Supplier<ActionReply> call) {
        try {
            ActionReply reply = call.get();
            return new Outcome(true, reply.getAccepted(), reply.getMessage());
        } catch (AdminException e) {
            boolean unimplemented = e.failures().stream().map(CallFailure::code).anyMatch(c -> c == Status.Code.UNIMPLEMENTED)
                    || String.valueOf(e.getMessage()).contains("UNIMPLEMENTED");
            return unimplemented ? Outcome.unavailable("the agents do not implement " + rpc + " yet")
                    : new Outcome(true, false, e.getMessage());
        }
    }
}
