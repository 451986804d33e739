package io.raftpool.proxy;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import io.raftpool.proto.WatchRequest;
import io.raftpool.testkit.LoopbackAgent;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for an agent's admin API in the proxy's tests: a {@link LoopbackAgent} whose
 * WatchState streams the views the test publishes, and heartbeats as often as the watcher
 * asks, until the test silences it.
 */
final class TestAgent implements AutoCloseable {

    private final int nodeId;
    private final LoopbackAgent server;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-agent-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger watchesOpened = new AtomicInteger();
    private volatile ClusterState state;
    private volatile long contactAgeMs;
    private volatile boolean silent;
    private volatile long lastSentAnyNanos;

    private final class Watcher {
        final ServerCallStreamObserver<StateView> stream;
        final long heartbeatMs;
        long lastSentNanos;

        Watcher(ServerCallStreamObserver<StateView> stream, long heartbeatMs) {
            this.stream = stream;
            this.heartbeatMs = heartbeatMs;
        }

        synchronized void send(boolean onlyIfDue) {
            ClusterState s = state;
            if (s == null || silent || stream.isCancelled()) {
                return;
            }
            long now = System.nanoTime();
            if (onlyIfDue && now - lastSentNanos < TimeUnit.MILLISECONDS.toNanos(heartbeatMs)) {
                return;
            }
            lastSentNanos = now;
            lastSentAnyNanos = now;
            try {
                stream.onNext(StateView.newBuilder().setState(s)
                        .setRaft(RaftInfo.newBuilder().setNodeId(nodeId).setRole("LEADER").setLeaderId(nodeId)
                                .setMajorityContactAgeMs(contactAgeMs))
                        .setServedAtMs(System.currentTimeMillis()).build());
            } catch (RuntimeException e) {
                watchers.remove(this);
            }
        }
    }

    TestAgent(int nodeId) {
        this.nodeId = nodeId;
        this.server = new LoopbackAgent(new AdminGrpc.AdminImplBase() {
            @Override
            public void watchState(WatchRequest request, StreamObserver<StateView> observer) {
                ServerCallStreamObserver<StateView> stream = (ServerCallStreamObserver<StateView>) observer;
                Watcher w = new Watcher(stream, request.getHeartbeatMs() > 0 ? request.getHeartbeatMs() : 200);
                stream.setOnCancelHandler(() -> watchers.remove(w));
                watchers.add(w);
                watchesOpened.incrementAndGet();
                w.send(false);
            }
        });
        heartbeats.scheduleAtFixedRate(() -> watchers.forEach(w -> w.send(true)), 10, 10, TimeUnit.MILLISECONDS);
    }

    int port() {
        return server.port();
    }

    AgentAddress address() {
        return new AgentAddress(nodeId, "127.0.0.1", port());
    }

    /** Commits {@code next}: every watcher gets it now. */
    void publish(ClusterState next) {
        state = next;
        watchers.forEach(w -> w.send(false));
    }

    /** How long this agent claims to have been out of touch with the Raft majority (-1: never in touch). */
    void contactAge(long ms) {
        contactAgeMs = ms;
    }

    /** Keeps the streams open but sends nothing: a hung agent. */
    void silence() {
        silent = true;
    }

    void resume() {
        silent = false;
        watchers.forEach(w -> w.send(false));
    }

    /** When this agent last sent a view (System.nanoTime()). */
    long lastSentNanos() {
        return lastSentAnyNanos;
    }

    int watchesOpened() {
        return watchesOpened.get();
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        server.close();
    }
}
