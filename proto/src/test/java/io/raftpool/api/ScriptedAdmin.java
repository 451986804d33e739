package io.raftpool.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.GetStateRequest;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import io.raftpool.proto.WatchRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test agent that answers from a script: its cluster name identifies which agent answered;
 * actions are accepted, refused with a status, or never answered.
 */
final class ScriptedAdmin extends AdminGrpc.AdminImplBase {
    enum Behaviour { ANSWER, FAIL_PRECONDITION, HANG }

    private final String name;
    private final Behaviour behaviour;
    private final List<StateView> watchViews;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger cancelledWatches = new AtomicInteger();
    private final List<StreamObserver<?>> hanging = new CopyOnWriteArrayList<>();

    ScriptedAdmin(String name, Behaviour behaviour, List<StateView> watchViews) {
        this.name = name;
        this.behaviour = behaviour;
        this.watchViews = List.copyOf(watchViews);
    }

    ScriptedAdmin(String name, Behaviour behaviour) {
        this(name, behaviour, List.of());
    }

    static StateView view(String cluster, long configVersion) {
        return StateView.newBuilder()
                .setState(ClusterState.newBuilder().setClusterName(cluster).setConfigVersion(configVersion))
                .build();
    }

    @Override
    public void getState(GetStateRequest request, StreamObserver<StateView> response) {
        respond(response, view(name, 1));
    }

    @Override
    public void getRaftInfo(GetStateRequest request, StreamObserver<RaftInfo> response) {
        respond(response, RaftInfo.newBuilder().setRole("FOLLOWER").setTerm(7).build());
    }

    @Override
    public void promoteNode(NodeRequest request, StreamObserver<ActionReply> response) {
        respond(response, ActionReply.newBuilder().setAccepted(true)
                .setMessage(name + " promotes node " + request.getNodeId()).setEpoch(2).build());
    }

    /** Streams the scripted views, then ends the stream; a HANG agent keeps it open. */
    @Override
    public void watchState(WatchRequest request, StreamObserver<StateView> response) {
        calls.incrementAndGet();
        ((ServerCallStreamObserver<StateView>) response).setOnCancelHandler(cancelledWatches::incrementAndGet);
        if (behaviour == Behaviour.FAIL_PRECONDITION) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("not ready").asRuntimeException());
            return;
        }
        watchViews.forEach(response::onNext);
        if (behaviour == Behaviour.HANG) {
            hanging.add(response);
        } else {
            response.onCompleted();
        }
    }

    private <T> void respond(StreamObserver<T> response, T answer) {
        calls.incrementAndGet();
        switch (behaviour) {
            case ANSWER -> {
                response.onNext(answer);
                response.onCompleted();
            }
            case FAIL_PRECONDITION -> response.onError(Status.FAILED_PRECONDITION
                    .withDescription("node 9 is not a PostgreSQL server").asRuntimeException());
            case HANG -> hanging.add(response);
        }
    }
}
