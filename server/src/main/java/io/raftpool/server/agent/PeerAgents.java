package io.raftpool.server.agent;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.raftpool.api.AdminCredentials;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.AgentStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.GetStateRequest;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.WatchdogInfo;
import io.raftpool.server.leader.ClusterInit;
import java.util.List;
import java.util.Optional;
import io.raftpool.config.VipSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The other agents' admin APIs, asked for their Raft view when an operator wants the whole picture. */
final class PeerAgents implements AutoCloseable {
    private static final long CALL_TIMEOUT_MS = 700;
    private static final long RESET_TIMEOUT_MS = 5000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PeerAgents.class);

    private final ClusterConfig config;
    private final Map<Integer, ManagedChannel> channels = new HashMap<>();
    /**
     * The asks run here, never in the common pool: it has one thread on two cores, and one
     * blocked task there (ours or a library's) would hold every other ask with it.
     */
    private final java.util.concurrent.ExecutorService asking = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "peer-ask");
        t.setDaemon(true);
        return t;
    });
    private final AdminCredentials credentials;

    PeerAgents(ClusterConfig config) {
        this(config, AdminCredentials.plaintext());
    }

    /** With TLS on, {@code credentials} show this agent's certificate: the others let an agent in without a token. */
    PeerAgents(ClusterConfig config, AdminCredentials credentials) {
        this.config = config;
        this.credentials = credentials;
        for (NodeConfig n : config.nodes()) {
            channel(n.id(), n.host(), n.adminPort());
        }
    }

    /** The channel to a node's agent; made on first use, so nodes added later are reached too. */
    private synchronized ManagedChannel channel(int id, String host, int port) {
        return channels.computeIfAbsent(id, k -> {
            ManagedChannel channel = credentials.configure(NettyChannelBuilder.forAddress(host, port)).build();
            // connect (and with TLS, shake hands) now rather than inside the first call's short deadline
            channel.getState(true);
            return channel;
        });
    }

    /** The Raft view of each of {@code nodes} whose agent answers (asked together); the others are left out. */
    Map<Integer, RaftInfo> raftInfos(List<NodeInfo> nodes) {
        Map<Integer, CompletableFuture<Optional<RaftInfo>>> asks = new HashMap<>();
        for (NodeInfo n : nodes) {
            asks.put(n.getId(), CompletableFuture.supplyAsync(() -> {
                try {
                    return Optional.of(credentials.apply(AdminGrpc.newBlockingStub(channel(n.getId(), n.getHost(), n.getAdminPort())))
                            .withDeadlineAfter(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                            .getRaftInfo(GetStateRequest.getDefaultInstance()));
                } catch (RuntimeException e) {
                    LOG.debug("agent {} did not give its raft view: {}", n.getId(), e.toString());
                    return Optional.<RaftInfo>empty();
                }
            }, asking));
        }
        Map<Integer, RaftInfo> out = new HashMap<>();
        asks.forEach((id, ask) -> {
            try {
                ask.get(CALL_TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS).ifPresent(info -> out.put(id, info));
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.debug("agent {} did not give its raft view in time: {}", id, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return out;
    }

    /** Asks node {@code id}'s agent to set its Raft storage aside and rejoin (rebuild-member). */
    io.raftpool.proto.ActionReply resetRaftMember(NodeInfo n) {
        int id = n.getId();
        try {
            return credentials.apply(AdminGrpc.newBlockingStub(channel(n.getId(), n.getHost(), n.getAdminPort())))
                    .withDeadlineAfter(RESET_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .resetRaftMember(io.raftpool.proto.NodeRequest.newBuilder().setNodeId(id).build());
        } catch (RuntimeException e) {
            return io.raftpool.proto.ActionReply.newBuilder().setAccepted(false)
                    .setMessage("node " + id + "'s agent did not answer: " + e.getMessage()).build();
        }
    }

    /** Every member of the committed state (not the config: nodes join and leave), as each agent sees itself. */
    WatchdogInfo watchdogInfo(int self, RaftInfo own, ClusterState state) {
        List<NodeInfo> nodes = state.getNodesCount() > 0 ? state.getNodesList()
                : config.nodes().stream().map(ClusterInit::nodeInfo).toList();
        int quorum = nodes.size() / 2 + 1;
        Map<Integer, CompletableFuture<AgentStatus>> asks = new HashMap<>();
        for (NodeInfo n : nodes) {
            asks.put(n.getId(), n.getId() == self ? CompletableFuture.completedFuture(status(n, own, true, ""))
                    : CompletableFuture.supplyAsync(() -> ask(n), asking));
        }
        WatchdogInfo.Builder b = WatchdogInfo.newBuilder()
                .setAgentsTotal(nodes.size())
                .setQuorumSize(quorum)
                .setVip(state.getVip())
                .setVipAddress(config.vip().map(v -> v.address() + "/" + v.prefix()).orElse(""));
        int reachable = 0;
        int leader = -1;
        long term = 0;
        for (NodeInfo n : nodes) {
            AgentStatus s = asks.get(n.getId()).join();
            b.addAgents(s);
            if (s.getReachable()) {
                reachable++;
                if ("LEADER".equals(s.getRaft().getRole()) && s.getRaft().getTerm() >= term) {
                    leader = n.getId();
                    term = s.getRaft().getTerm();
                }
            }
        }
        if (leader < 0) {
            leader = own.getLeaderId();
            term = own.getTerm();
        }
        return b.setLeaderId(leader).setTerm(term)
                .setQuorumPresent(reachable >= quorum && leader >= 0)
                .build();
    }

    private AgentStatus ask(NodeInfo n) {
        try {
            RaftInfo info = credentials.apply(AdminGrpc.newBlockingStub(channel(n.getId(), n.getHost(), n.getAdminPort())))
                    .withDeadlineAfter(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .getRaftInfo(GetStateRequest.getDefaultInstance());
            return status(n, info, true, "");
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            return status(n, RaftInfo.newBuilder().setNodeId(n.getId()).setRole("UNREACHABLE").setLeaderId(-1).build(),
                    false, why);
        }
    }

    private static AgentStatus status(NodeInfo n, RaftInfo info, boolean reachable, String error) {
        return AgentStatus.newBuilder().setNodeId(n.getId()).setName(n.getName())
                .setAddress(n.getHost() + ":" + n.getAdminPort()).setReachable(reachable).setRaft(info).setError(error)
                .build();
    }

    @Override
    public synchronized void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        asking.shutdownNow();
    }
}
