package io.raftpool.proxy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.raftpool.api.AdminCredentials;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.OutageReport;
import io.raftpool.proto.StateView;
import io.raftpool.proto.WatchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the committed state: one server-streaming WatchState call at a time, to the own
 * node's agent first and to the next one whenever a stream ends or {@link WatchPolicy} gives
 * up on it. Every view received is handed to {@code onView} with its receive time; that
 * consumer says whether it took the view.
 *
 * <p>All of its state is touched on one event loop, so it needs no locks.
 */
final class StateWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateWatcher.class);

    private final List<AgentAddress> agents;
    private final int watcherNodeId;
    private final WatchPolicy policy;
    private final Duration connectTimeout;
    private final MonotonicClock clock;
    private final EventLoop loop;
    private final EventLoopGroup group;
    private final Transport transport;
    private final Predicate<AgentView> onView;
    private final AdminCredentials credentials;
    private final List<ManagedChannel> channels = new ArrayList<>();

    private int current = -1;
    private long generation;
    private ClientCallStreamObserver<WatchRequest> call;
    private long startedAt;
    private long lastUsableAt = -1;
    private boolean delivered;
    private int failuresInARow;
    private boolean closed;
    private boolean warnedNoAgent;
    private ScheduledFuture<?> supervisor;

    StateWatcher(List<AgentAddress> agents, int watcherNodeId, WatchPolicy policy, Duration connectTimeout,
                 MonotonicClock clock, EventLoopGroup group, Transport transport, Predicate<AgentView> onView,
                 AdminCredentials credentials) {
        if (agents.isEmpty()) {
            throw new IllegalArgumentException("a proxy needs at least one agent to watch; the config lists none");
        }
        this.agents = List.copyOf(agents);
        this.watcherNodeId = watcherNodeId;
        this.policy = policy;
        this.connectTimeout = connectTimeout;
        this.clock = clock;
        this.group = group;
        this.loop = group.next();
        this.transport = transport;
        this.onView = onView;
        this.credentials = credentials;
    }

    void start() {
        loop.execute(() -> {
            for (AgentAddress a : agents) {
                channels.add(credentials.configure(NettyChannelBuilder.forAddress(a.host(), a.port()))
                        .eventLoopGroup(group)
                        .channelType(transport.socketChannel())
                        .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                        .directExecutor()
                        .build());
            }
            long tick = Math.max(10, policy.abandonAfterMs() / 4);
            supervisor = loop.scheduleAtFixedRate(this::supervise, tick, tick, TimeUnit.MILLISECONDS);
            watch((current + 1) % agents.size());
        });
    }

    /**
     * Sends an outage to the agent watched now (else the first), for the committed history;
     * once, without waiting: a lost report loses an event, never a decision.
     */
    void report(OutageMeter.Outage o) {
        loop.execute(() -> {
            if (closed || channels.isEmpty()) {
                return;
            }
            OutageReport report = OutageReport.newBuilder().setProxyNodeId(watcherNodeId).setEpoch(o.epoch())
                    .setStartedMs(o.startedWallMs()).setDurationMs(o.durationMs()).build();
            ManagedChannel channel = channels.get(Math.max(0, current));
            credentials.apply(AdminGrpc.newStub(channel)).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .reportOutage(report, new io.grpc.stub.StreamObserver<ActionReply>() {
                        @Override
                        public void onNext(ActionReply reply) {
                            if (!reply.getAccepted()) {
                                log.info("outage of epoch {} not recorded: {}", o.epoch(), reply.getMessage());
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            log.info("outage of epoch {} not recorded: {}", o.epoch(), Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
        });
    }

    @Override
    public void close() {
        loop.execute(() -> {
            closed = true;
            if (supervisor != null) {
                supervisor.cancel(false);
            }
            if (call != null) {
                call.cancel("proxy shutting down", null);
            }
            channels.forEach(ManagedChannel::shutdownNow);
        });
    }

    private void watch(int index) {
        if (closed) {
            return;
        }
        current = index;
        long gen = ++generation;
        AgentAddress agent = agents.get(index);
        startedAt = clock.nowMillis();
        lastUsableAt = -1;
        delivered = false;
        WatchRequest request = WatchRequest.newBuilder()
                .setWatcherNodeId(watcherNodeId).setHeartbeatMs(policy.heartbeatMs()).build();
        log.debug("watching {}", agent);
        ManagedChannel channel = channels.get(index);
        // our own backoff decides when to try again; gRPC's would wait up to two minutes
        channel.resetConnectBackoff();
        credentials.apply(AdminGrpc.newStub(channel)).watchState(request, new ClientResponseObserver<WatchRequest, StateView>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                // called by watchState itself, on this loop, before the call starts
                call = requestStream;
            }

            @Override
            public void onNext(StateView view) {
                long now = clock.nowMillis();
                loop.execute(() -> received(gen, agent, view, now));
            }

            @Override
            public void onError(Throwable t) {
                loop.execute(() -> ended(gen, agent, Status.fromThrowable(t).toString()));
            }

            @Override
            public void onCompleted() {
                loop.execute(() -> ended(gen, agent, "the agent ended the stream"));
            }
        });
    }

    private void received(long gen, AgentAddress agent, StateView view, long now) {
        if (gen != generation || closed) {
            return;
        }
        if (!delivered) {
            log.info("watching {}", agent);
            delivered = true;
            warnedNoAgent = false;
        }
        failuresInARow = 0;
        long contactAge = view.hasRaft() ? view.getRaft().getMajorityContactAgeMs() : -1;
        int servedBy = view.hasRaft() ? view.getRaft().getNodeId() : agent.nodeId();
        AgentView agentView = new AgentView(ClusterView.from(view.getState()), now, contactAge, servedBy);
        boolean accepted = onView.test(agentView);
        if (policy.usable(accepted, contactAge)) {
            lastUsableAt = now;
        }
    }

    private void ended(long gen, AgentAddress agent, String why) {
        if (gen != generation || closed) {
            return;
        }
        call = null;
        if (delivered) {
            log.warn("watch of {} ended: {}", agent, why);
        } else {
            log.debug("watch of {} failed: {}", agent, why);
        }
        retry();
    }

    private void supervise() {
        try {
            if (closed || call == null) {
                return;
            }
            long now = clock.nowMillis();
            if (policy.shouldAbandon(now, startedAt, lastUsableAt)) {
                log.warn("abandoning the watch of {}: no usable view for {} ms (silent, behind, or cut off from"
                        + " the Raft majority)", agents.get(current), now - Math.max(startedAt, lastUsableAt));
                ClientCallStreamObserver<WatchRequest> c = call;
                call = null;
                generation++;
                c.cancel("no usable view", null);
                retry();
            }
        } catch (RuntimeException e) {
            log.error("watch supervisor failed; it keeps running", e);
        }
    }

    private void retry() {
        long wait = WatchPolicy.backoffMs(failuresInARow);
        failuresInARow++;
        if (failuresInARow >= agents.size() && !warnedNoAgent && failuresInARow % agents.size() == 0) {
            warnedNoAgent = true;
            log.warn("no agent delivers usable views (tried {}); retrying every {} ms at most", agents,
                    WatchPolicy.MAX_BACKOFF_MS);
        }
        int next = (current + 1) % agents.size();
        loop.schedule(() -> watch(next), wait, TimeUnit.MILLISECONDS);
    }
}
