package io.raftpool.server.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.AddNodeRequest;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.Explanation;
import io.raftpool.proto.GetStateRequest;
import io.raftpool.proto.OutageReport;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import io.raftpool.proto.SwitchoverRequest;
import io.raftpool.proto.WatchRequest;
import io.raftpool.proto.WatchdogInfo;
import io.raftpool.server.raft.AppliedState;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin gRPC service every agent serves. Status calls answer from this agent's committed
 * state; operations are checked and carried out by {@link AdminActions}.
 */
public final class AdminService extends AdminGrpc.AdminImplBase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);
    private static final long DEFAULT_HEARTBEAT_MS = 200;
    private static final long MIN_HEARTBEAT_MS = 20;

    /** What the service reads from the agent. */
    public interface AgentView {
        StateView view();

        RaftInfo raftInfo();

        WatchdogInfo watchdogInfo();

        /** raftpool explain, answered by the Raft leader; any other agent says who it is. */
        Explanation explain();

        Runnable subscribe(Consumer<AppliedState> listener);
    }

    private final AgentView agent;
    private final AdminActions actions;
    private final OutageReports outages;
    private final ScheduledExecutorService heartbeats = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "watch-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public AdminService(AgentView agent, AdminActions actions) {
        this.agent = agent;
        this.actions = actions;
        this.outages = new OutageReports(actions);
    }

    @Override
    public void getState(GetStateRequest request, StreamObserver<StateView> response) {
        response.onNext(agent.view());
        response.onCompleted();
    }

    @Override
    public void getRaftInfo(GetStateRequest request, StreamObserver<RaftInfo> response) {
        response.onNext(agent.raftInfo());
        response.onCompleted();
    }

    @Override
    public void getWatchdogInfo(GetStateRequest request, StreamObserver<WatchdogInfo> response) {
        response.onNext(agent.watchdogInfo());
        response.onCompleted();
    }

    @Override
    public void reportOutage(OutageReport request, StreamObserver<ActionReply> response) {
        reply(response, java.util.Optional.empty(), outages::report, request);
    }

    @Override
    public void explain(GetStateRequest request, StreamObserver<Explanation> response) {
        response.onNext(agent.explain());
        response.onCompleted();
    }

    /**
     * Sends the view at once, after every commit, and at least every heartbeat: a proxy judges
     * freshness from these, so the stream never goes quiet while this agent lives.
     */
    @Override
    public void watchState(WatchRequest request, StreamObserver<StateView> response) {
        if (invalid(RequestLimits.check(request), response)) {
            return;
        }
        ServerCallStreamObserver<StateView> stream = (ServerCallStreamObserver<StateView>) response;
        long every = request.getHeartbeatMs() <= 0 ? DEFAULT_HEARTBEAT_MS : Math.max(MIN_HEARTBEAT_MS, request.getHeartbeatMs());
        Object lock = new Object();
        Runnable send = () -> {
            synchronized (lock) {
                if (stream.isCancelled()) {
                    return;
                }
                try {
                    stream.onNext(agent.view());
                } catch (RuntimeException e) {
                    LOG.debug("watch stream of node {} closed: {}", request.getWatcherNodeId(), e.toString());
                }
            }
        };
        Runnable unsubscribe = agent.subscribe(applied -> send.run());
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(send, 0, every, TimeUnit.MILLISECONDS);
        stream.setOnCancelHandler(() -> {
            unsubscribe.run();
            beat.cancel(false);
        });
    }

    @Override
    public void promoteNode(NodeRequest request, StreamObserver<ActionReply> response) {
        answer(response, actions::promote, request);
    }

    @Override
    public void detachNode(NodeRequest request, StreamObserver<ActionReply> response) {
        answer(response, r -> actions.setDetached(r, true), request);
    }

    @Override
    public void attachNode(NodeRequest request, StreamObserver<ActionReply> response) {
        answer(response, r -> actions.setDetached(r, false), request);
    }

    @Override
    public void recoverNode(NodeRequest request, StreamObserver<ActionReply> response) {
        answer(response, actions::recover, request);
    }

    @Override
    public void switchover(SwitchoverRequest request, StreamObserver<ActionReply> response) {
        reply(response, RequestLimits.check(request), actions::switchover, request);
    }

    @Override
    public void addNode(AddNodeRequest request, StreamObserver<ActionReply> response) {
        reply(response, java.util.Optional.empty(), actions::addNode, request);
    }

    @Override
    public void removeNode(NodeRequest request, StreamObserver<ActionReply> response) {
        answer(response, actions::removeNode, request);
    }

    @Override
    public void rebuildMember(NodeRequest request, StreamObserver<ActionReply> response) {
        answer(response, actions::rebuildMember, request);
    }

    @Override
    public void addNote(io.raftpool.proto.NoteRequest request, StreamObserver<ActionReply> response) {
        reply(response, RequestLimits.check(request), actions::note, request);
    }

    @Override
    public void pause(io.raftpool.proto.PauseRequest request, StreamObserver<ActionReply> response) {
        reply(response, RequestLimits.check(request), actions.maintenance()::pause, request);
    }

    @Override
    public void resume(io.raftpool.proto.PauseRequest request, StreamObserver<ActionReply> response) {
        reply(response, RequestLimits.check(request), actions.maintenance()::resume, request);
    }

    @Override
    public void setParameters(io.raftpool.proto.SetParametersRequest request, StreamObserver<ActionReply> response) {
        reply(response, RequestLimits.check(request), actions.parameters()::set, request);
    }

    @Override
    public void restartNode(io.raftpool.proto.RestartRequest request, StreamObserver<ActionReply> response) {
        reply(response, RequestLimits.check(request), actions.parameters()::restart, request);
    }

    @Override
    public void backup(io.raftpool.proto.RestartRequest request, StreamObserver<ActionReply> response) {
        reply(response, RequestLimits.checkBackup(request), actions.backups()::backup, request);
    }

    @Override
    public void resetRaftMember(NodeRequest request, StreamObserver<ActionReply> response) {
        answer(response, actions::resetRaftMember, request);
    }

    private static void answer(StreamObserver<ActionReply> response, Function<NodeRequest, ActionReply> action,
                               NodeRequest request) {
        reply(response, RequestLimits.check(request), action, request);
    }

    /** Runs {@code action} on a request that passed its limits ({@code invalid} empty); a failure is a refusal. */
    private static <R> void reply(StreamObserver<ActionReply> response, java.util.Optional<String> invalid,
                                  Function<R, ActionReply> action, R request) {
        if (invalid(invalid, response)) {
            return;
        }
        ActionReply reply;
        try {
            reply = action.apply(request);
        } catch (RuntimeException e) {
            reply = ActionReply.newBuilder().setAccepted(false).setMessage("failed: " + e.getMessage()).build();
        }
        response.onNext(reply);
        response.onCompleted();
    }

    /** Ends the call with INVALID_ARGUMENT when the request carries a value no request may carry. */
    private static boolean invalid(java.util.Optional<String> problem, StreamObserver<?> response) {
        problem.ifPresent(p -> response.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription(p).asRuntimeException()));
        return problem.isPresent();
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
    }
}
