package io.raftpool.api;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.AddNodeRequest;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.GetStateRequest;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import io.raftpool.proto.SwitchoverRequest;
import io.raftpool.proto.WatchRequest;
import io.raftpool.proto.WatchdogInfo;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The agents' admin API, asked of several agents: each call goes to the agents in order (a
 * preferred one first) and returns the first answer, so it works while any agent is up.
 *
 * <p>Reads move on to the next agent after any failure. State-changing requests (promote,
 * detach, attach) move on only when the agent certainly did not act on them (it could not be
 * reached, or it answered UNAVAILABLE); after a timeout they stop with
 * {@link OutcomeUnknownException}, and an agent's error answer stops them with
 * {@link RequestRejectedException}, as does a refusal of the caller itself (no or a wrong
 * token, a role that does not allow the call), reads included. When no agent answers:
 * {@link ClusterUnreachableException}.
 *
 * <p>Thread-safe. Channels are opened on first use and shut down by {@link #close()}.
 */
public final class AdminClient implements Closeable {
    private final List<AgentAddress> agents;
    private final Duration callTimeout;
    private final AdminCredentials credentials;
    private final Map<AgentAddress, ManagedChannel> channels = new ConcurrentHashMap<>();

    private AdminClient(List<AgentAddress> agents, Duration callTimeout, AdminCredentials credentials) {
        if (agents.isEmpty()) {
            throw new IllegalArgumentException("no agent addresses given; at least one host:port is needed");
        }
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("call timeout " + callTimeout + " must be positive");
        }
        this.agents = List.copyOf(agents);
        this.callTimeout = callTimeout;
        this.credentials = credentials;
    }

    /** A client that asks the agents in the order given ({@code host:port} each), in plaintext. */
    public static AdminClient connect(List<String> addresses, Duration callTimeout) {
        return connect(addresses, callTimeout, AdminCredentials.plaintext());
    }

    /** The same, with TLS and a token as the cluster's security settings ask ({@link AdminCredentials}). */
    public static AdminClient connect(List<String> addresses, Duration callTimeout, AdminCredentials credentials) {
        return new AdminClient(addresses.stream().map(AgentAddress::parse).distinct().toList(), callTimeout,
                credentials);
    }

    /** A client that asks {@code preferred} first (e.g. the local agent), then the others in order. */
    public static AdminClient connect(String preferred, List<String> addresses, Duration callTimeout) {
        return connect(attemptOrder(preferred, addresses), callTimeout);
    }

    /** The same, with these credentials. */
    public static AdminClient connect(String preferred, List<String> addresses, Duration callTimeout,
                                      AdminCredentials credentials) {
        return connect(attemptOrder(preferred, addresses), callTimeout, credentials);
    }

    static List<String> attemptOrder(String preferred, List<String> addresses) {
        Set<String> order = new LinkedHashSet<>();
        order.add(preferred);
        order.addAll(addresses);
        return List.copyOf(order);
    }

    /** The agents in the order they are asked. */
    public List<AgentAddress> agents() {
        return agents;
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    /** The committed state as the first agent that answers knows it. */
    public StateView getState() {
        return read("GetState", stub -> stub.getState(GetStateRequest.getDefaultInstance()));
    }

    /** This one agent's Raft view of itself (no other agent is asked). */
    public RaftInfo getRaftInfo(String address) {
        AgentAddress agent = AgentAddress.parse(address);
        return ask("GetRaftInfo", List.of(agent), false, callTimeout,
                stub -> stub.getRaftInfo(GetStateRequest.getDefaultInstance()));
    }

    /** Agents, quorum, leader and VIP as the first agent that answers sees them. */
    public WatchdogInfo getWatchdogInfo() {
        return read("GetWatchdogInfo", stub -> stub.getWatchdogInfo(GetStateRequest.getDefaultInstance()));
    }

    /**
     * raftpool explain, as the Raft leader evaluates it (only it knows which agents are alive):
     * every agent is asked until the leader answers; without a leader, the first answer.
     */
    public io.raftpool.proto.Explanation explain() {
        io.raftpool.proto.Explanation first = null;
        for (AgentAddress agent : agents) {
            try {
                io.raftpool.proto.Explanation e = ask("Explain", List.of(agent), false, callTimeout,
                        stub -> stub.explain(GetStateRequest.getDefaultInstance()));
                if (e.getAnsweredByLeader()) {
                    return e;
                }
                first = first == null ? e : first;
            } catch (ClusterUnreachableException e) {
                // the next agent may be the leader
            }
        }
        return first != null ? first : read("Explain", stub -> stub.explain(GetStateRequest.getDefaultInstance()));
    }

    public ActionReply promoteNode(NodeRequest request) {
        return act("PromoteNode", request, stub -> stub.promoteNode(request));
    }

    public ActionReply detachNode(NodeRequest request) {
        return act("DetachNode", request, stub -> stub.detachNode(request));
    }

    public ActionReply attachNode(NodeRequest request) {
        return act("AttachNode", request, stub -> stub.attachNode(request));
    }

    /** Rebuilds a server as a standby of the current primary; with wait, returns its outcome. */
    public ActionReply recoverNode(NodeRequest request) {
        return act("RecoverNode", request, stub -> stub.recoverNode(request));
    }

    /** Adds a node described in the config to a running cluster (its agent started already). */
    public ActionReply addNode(AddNodeRequest request) {
        Duration deadline = callTimeout.plusMillis(Math.max(0, request.getTimeoutMs()));
        return ask("AddNode(node " + request.getNode().getId() + ")", agents, true, deadline, stub -> stub.addNode(request));
    }

    /** Removes a node from a running cluster. */
    public ActionReply removeNode(NodeRequest request) {
        return act("RemoveNode", request, stub -> stub.removeNode(request));
    }

    /** rebuild-member: rebuilds a node's Raft member through a membership change; waits until it votes again. */
    public ActionReply rebuildMember(NodeRequest request) {
        Duration deadline = callTimeout.plusMillis(Math.max(0, request.getTimeoutMs()));
        return ask("RebuildMember(node " + request.getNodeId() + ")", agents, true, deadline, stub -> stub.rebuildMember(request));
    }

    /** Records an operator's note in the committed event history. */
    public ActionReply addNote(io.raftpool.proto.NoteRequest request) {
        Duration deadline = callTimeout.plusMillis(Math.max(0, request.getTimeoutMs()));
        return ask("AddNote", agents, true, deadline, stub -> stub.addNote(request));
    }

    /** raftpool pause: maintenance mode, until resumed or for {@code duration_ms}. */
    public ActionReply pause(io.raftpool.proto.PauseRequest request) {
        Duration deadline = callTimeout.plusMillis(Math.max(0, request.getTimeoutMs()));
        return ask("Pause", agents, true, deadline, stub -> stub.pause(request));
    }

    /** raftpool set-parameter / reset-parameter: settings kept in the Raft log. */
    public ActionReply setParameters(io.raftpool.proto.SetParametersRequest request) {
        Duration deadline = callTimeout.plusMillis(Math.max(0, request.getTimeoutMs()));
        return ask("SetParameters", agents, true, deadline, stub -> stub.setParameters(request));
    }

    /** raftpool restart-node: a restart of one standby's PostgreSQL. */
    public ActionReply restartNode(io.raftpool.proto.RestartRequest request) {
        Duration deadline = callTimeout.plusMillis(Math.max(0, request.getTimeoutMs()));
        return ask("RestartNode(node " + request.getNodeId() + ")", agents, true, deadline,
                stub -> stub.restartNode(request));
    }

    /** raftpool backup: a base backup of a standby (node -1) or the node asked for, into the WAL archive. */
    public ActionReply backup(io.raftpool.proto.RestartRequest request) {
        Duration deadline = callTimeout.plusMillis(Math.max(0, request.getTimeoutMs()));
        return ask("Backup", agents, true, deadline, stub -> stub.backup(request));
    }

    /** raftpool resume: ends maintenance mode. */
    public ActionReply resume(io.raftpool.proto.PauseRequest request) {
        Duration deadline = callTimeout.plusMillis(Math.max(0, request.getTimeoutMs()));
        return ask("Resume", agents, true, deadline, stub -> stub.resume(request));
    }

    /** A planned switch of the primary ({@code target} -1: the best standby). */
    public ActionReply switchover(SwitchoverRequest request) {
        Duration deadline = request.getWait() ? callTimeout.plusMillis(Math.max(0, request.getTimeoutMs())) : callTimeout;
        return ask("Switchover(to " + (request.getTarget() < 0 ? "the best standby" : "node " + request.getTarget()) + ")",
                agents, true, deadline, stub -> stub.switchover(request));
    }

    /**
     * Follows the committed state: the listener gets every view the agent streams. The watch
     * moves on to the next agent while none has sent a view yet; after that, when the stream
     * ends, the listener is told why and the caller decides whether to watch again. An agent
     * that accepts the watch but sends nothing keeps it: ask for a heartbeat
     * ({@link WatchRequest#getHeartbeatMs()}) and close and watch again when it stops coming.
     */
    public StateWatch watch(WatchRequest request, WatchListener listener) {
        StateWatch watch = new StateWatch(request, listener, agents, this::asyncStub, callTimeout);
        watch.start();
        return watch;
    }

    /** How long a call may take: a request that waits for its outcome gets that wait on top. */
    static Duration deadline(Duration callTimeout, NodeRequest request) {
        return request.getWait() ? callTimeout.plusMillis(Math.max(0, request.getTimeoutMs())) : callTimeout;
    }

    private <T> T read(String name, Function<AdminGrpc.AdminBlockingStub, T> call) {
        return ask(name, agents, false, callTimeout, call);
    }

    private ActionReply act(String name, NodeRequest request, Function<AdminGrpc.AdminBlockingStub, ActionReply> call) {
        return ask(name + "(node " + request.getNodeId() + ")", agents, true, deadline(callTimeout, request), call);
    }

    private <T> T ask(String request, List<AgentAddress> order, boolean changesState, Duration deadline,
                      Function<AdminGrpc.AdminBlockingStub, T> call) {
        List<CallFailure> failures = new ArrayList<>();
        for (AgentAddress agent : order) {
            try {
                return call.apply(credentials.apply(AdminGrpc.newBlockingStub(channel(agent)))
                        .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
            } catch (StatusRuntimeException e) {
                CallFailure failure = CallFailure.of(agent.toString(), e.getStatus(), deadline);
                if (changesState && failure.kind() == CallFailure.Kind.MAYBE_DONE) {
                    throw new OutcomeUnknownException(request, failures, failure);
                }
                if ((changesState && failure.kind() == CallFailure.Kind.REFUSED) || failure.refusedCaller()) {
                    // who the caller is counts the same at every agent: asking the next would not help
                    throw new RequestRejectedException(request, failure);
                }
                failures.add(failure);
            }
        }
        throw new ClusterUnreachableException(request, failures);
    }

    private AdminGrpc.AdminStub asyncStub(AgentAddress agent) {
        return credentials.apply(AdminGrpc.newStub(channel(agent)));
    }

    private ManagedChannel channel(AgentAddress agent) {
        return channels.computeIfAbsent(agent, a -> credentials.configure(NettyChannelBuilder.forAddress(a.host(), a.port()))
                // shorter than the call timeout, so an agent that cannot be reached is reported as
                // such (and an action may move on) rather than as a timeout with an unknown outcome
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(50, callTimeout.toMillis() / 2))
                .build());
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels.values()) {
            try {
                channel.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
