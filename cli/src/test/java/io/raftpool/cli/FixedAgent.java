package io.raftpool.cli;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.GetStateRequest;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.StateView;
import io.raftpool.proto.WatchdogInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Test-only: a real gRPC admin server on a free loopback port that answers from the sample
 * state. promote-node is accepted, detach-node refused (the node is the primary), attach-node
 * rejected with a gRPC error. It records the requests it gets.
 */
final class FixedAgent extends AdminGrpc.AdminImplBase implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final Server server;

    FixedAgent() {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void getState(GetStateRequest request, StreamObserver<StateView> response) {
        requests.add("GetState");
        response.onNext(SampleStates.view(SampleStates.afterFailover()));
        response.onCompleted();
    }

    @Override
    public void getWatchdogInfo(GetStateRequest request, StreamObserver<WatchdogInfo> response) {
        requests.add("GetWatchdogInfo");
        response.onNext(SampleStates.watchdogInfo());
        response.onCompleted();
    }

    @Override
    public void promoteNode(NodeRequest request, StreamObserver<ActionReply> response) {
        requests.add("PromoteNode " + describe(request));
        response.onNext(ActionReply.newBuilder().setAccepted(true).setEpoch(3)
                .setMessage("promoting node " + request.getNodeId() + " at epoch 3").build());
        response.onCompleted();
    }

    @Override
    public void detachNode(NodeRequest request, StreamObserver<ActionReply> response) {
        requests.add("DetachNode " + describe(request));
        response.onNext(ActionReply.newBuilder().setAccepted(false).setEpoch(2)
                .setMessage("node " + request.getNodeId() + " is the primary; promote another node first").build());
        response.onCompleted();
    }

    @Override
    public void attachNode(NodeRequest request, StreamObserver<ActionReply> response) {
        requests.add("AttachNode " + describe(request));
        response.onError(Status.FAILED_PRECONDITION.withDescription("node " + request.getNodeId() + " is not detached")
                .asRuntimeException());
    }

    private static String describe(NodeRequest r) {
        return r.getNodeId() + (r.getWait() ? " wait " + r.getTimeoutMs() + "ms" : "");
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
