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
    private static final long JOIN_CHECK_TIMEOUT_MS = 3000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PeerAgents.class);

    private final ClusterConfig config;
    private final Map<Integer, ManagedChannel> channels = new HashMap<>();
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

    /**
     * At the first start of a node: the members of a running cluster that does not count it
     * yet (it is being added with add-node), as its other agents answer; empty when no agent
     * answers (a new cluster bootstrapping) or the cluster counts it already.
     */
    Optional<List<NodeInfo>> clusterToJoin(int self) {
        for (NodeConfig n : config.nodes()) {
            if (n.id() == self) {
                continue;
            }
            try {
                ClusterState s = credentials.apply(AdminGrpc.newBlockingStub(channel(n.id(), n.host(), n.adminPort())))
                        .withDeadlineAfter(JOIN_CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                        .getState(GetStateRequest.getDefaultInstance()).getState();
                if (s.getNodesCount() > 0) {
                    boolean member = s.getNodesList().stream().anyMatch(x -> x.getId() == self);
                    return member ? Optional.empty() : Optional.of(s.getNodesList());
                }
            } catch (RuntimeException e) {
                LOG.debug("agent {} did not say whether a cluster runs: {}", n.id(), e.toString());
            }
        }
        return Optional.empty();
    }

    /** Every member of the committed state (not the config: nodes join and leave), as each agent sees itself. */
    WatchdogInfo watchdogInfo(int self, RaftInfo own, ClusterState state) {
        List<NodeInfo> nodes = state.getNodesCount() > 0 ? state.getNodesList()
                : config.nodes().stream().map(ClusterInit::nodeInfo).toList();
        int quorum = nodes.size() / 2 + 1;
        Map<Integer, CompletableFuture<AgentStatus>> asks = new HashMap<>();
        for (NodeInfo n : nodes) {
            asks.put(n.getId(), n.getId() == self ? CompletableFuture.completedFuture(status(n, own, true, ""))
                    : CompletableFuture.supplyAsync(() -> ask(n)));
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
    }
}
