package io.raftpool.cli;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.GetStateRequest;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.StateView;
import io.raftpool.proto.WatchdogInfo;
import io.raftpool.testkit.FailoverScenario;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test-only: the admin API answering from the failover scenario, for a LoopbackAgent or an
 * agent's endpoint. promote-node is accepted, detach-node refused (the node is the primary),
 * attach-node rejected with a gRPC error. It records the requests it gets.
 */
final class FixedAdmin extends AdminGrpc.AdminImplBase {
    final List<String> requests = new CopyOnWriteArrayList<>();

    @Override
    public void getState(GetStateRequest request, StreamObserver<StateView> response) {
        requests.add("GetState");
        answer(response, FailoverScenario.view(FailoverScenario.afterFailover()));
    }

    @Override
    public void getWatchdogInfo(GetStateRequest request, StreamObserver<WatchdogInfo> response) {
        requests.add("GetWatchdogInfo");
        answer(response, FailoverScenario.watchdogInfo());
    }

    @Override
    public void promoteNode(NodeRequest request, StreamObserver<ActionReply> response) {
        requests.add("PromoteNode " + describe(request));
        answer(response, reply(true, 3, "promoting node " + request.getNodeId() + " at epoch 3"));
    }

    @Override
    public void detachNode(NodeRequest request, StreamObserver<ActionReply> response) {
        requests.add("DetachNode " + describe(request));
        answer(response, reply(false, 2, "node " + request.getNodeId() + " is the primary; promote another node first"));
    }

    @Override
    public void attachNode(NodeRequest request, StreamObserver<ActionReply> response) {
        requests.add("AttachNode " + describe(request));
        response.onError(Status.FAILED_PRECONDITION.withDescription("node " + request.getNodeId() + " is not detached")
                .asRuntimeException());
    }

    private static ActionReply reply(boolean accepted, long epoch, String message) {
        return ActionReply.newBuilder().setAccepted(accepted).setEpoch(epoch).setMessage(message).build();
    }

    private static <T> void answer(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }

    private static String describe(NodeRequest r) {
        return r.getNodeId() + (r.getWait() ? " wait " + r.getTimeoutMs() + "ms" : "");
    }
}
