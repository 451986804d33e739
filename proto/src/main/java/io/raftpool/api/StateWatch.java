package io.raftpool.api;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.StateView;
import io.raftpool.proto.WatchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One server-streaming watch of the committed state, started by {@link AdminClient#watch}.
 * Until the first view arrives it tries the agents one after the other; once an agent has sent
 * a view it stays with that agent until the stream ends. Close it to stop.
 */
public final class StateWatch implements AutoCloseable {
    private final WatchRequest request;
    private final WatchListener listener;
    private final List<AgentAddress> agents;
    private final Function<AgentAddress, AdminGrpc.AdminStub> stubs;
    private final Duration timeout;

    // guarded by this
    private final List<CallFailure> failures = new ArrayList<>();
    private int nextAgent;
    private ClientCallStreamObserver<WatchRequest> call;
    private boolean closed;

    StateWatch(WatchRequest request, WatchListener listener, List<AgentAddress> agents,
               Function<AgentAddress, AdminGrpc.AdminStub> stubs, Duration timeout) {
        this.request = request;
        this.listener = listener;
        this.agents = agents;
        this.stubs = stubs;
        this.timeout = timeout;
    }

    void start() {
        String reason;
        synchronized (this) {
            reason = attemptNext();
        }
        if (reason != null) {
            listener.onClosed(reason);
        }
    }

    /** Stops the stream. The listener may still get a view that was already being delivered. */
    @Override
    public void close() {
        ClientCallStreamObserver<WatchRequest> current;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            current = call;
        }
        if (current != null) {
            current.cancel("the watcher closed the watch", null);
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    // called holding the lock; the listener is called outside it, so the returned reason (why the
    // watch ended, when no agent is left to try) is passed on by the caller
    private String attemptNext() {
        if (nextAgent >= agents.size()) {
            closed = true;
            return new ClusterUnreachableException("WatchState", failures).getMessage();
        }
        AgentAddress agent = agents.get(nextAgent++);
        stubs.apply(agent).watchState(request, new Attempt(agent));
        return null;
    }

    private final class Attempt implements ClientResponseObserver<WatchRequest, StateView> {
        private final AgentAddress agent;
        private boolean sawView;   // only touched on this call's serialised callbacks

        Attempt(AgentAddress agent) {
            this.agent = agent;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            synchronized (StateWatch.this) {
                call = requestStream;
            }
        }

        @Override
        public void onNext(StateView view) {
            synchronized (StateWatch.this) {
                if (closed) {
                    return;
                }
            }
            sawView = true;
            listener.onView(agent.toString(), view);
        }

        @Override
        public void onError(Throwable error) {
            CallFailure failure = CallFailure.of(agent.toString(), Status.fromThrowable(error), timeout);
            ended(failure, agent + ": the watch broke: " + failure.detail());
        }

        @Override
        public void onCompleted() {
            ended(new CallFailure(agent.toString(), Status.Code.OK, "ended the watch without a view",
                    CallFailure.Kind.NOT_DONE), agent + ": the agent ended the watch");
        }

        private void ended(CallFailure failure, String brokenReason) {
            String reason = brokenReason;
            synchronized (StateWatch.this) {
                if (closed) {
                    return;
                }
                if (sawView) {
                    closed = true;
                } else {
                    failures.add(failure);
                    reason = attemptNext();
                }
            }
            if (reason != null) {
                listener.onClosed(reason);
            }
        }
    }
}
