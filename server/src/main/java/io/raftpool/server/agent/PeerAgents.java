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
import io.raftpool.proto.WatchdogInfo;
import io.raftpool.config.VipSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The other agents' admin APIs, asked for their Raft view when an operator wants the whole picture. */
final class PeerAgents implements AutoCloseable {
    private static final long CALL_TIMEOUT_MS = 700;

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
            channels.put(n.id(), credentials.configure(NettyChannelBuilder.forAddress(n.host(), n.adminPort())).build());
        }
    }

    WatchdogInfo watchdogInfo(int self, RaftInfo own, ClusterState state) {
        Map<Integer, CompletableFuture<AgentStatus>> asks = new HashMap<>();
        for (NodeConfig n : config.nodes()) {
            if (n.id() == self) {
                asks.put(n.id(), CompletableFuture.completedFuture(status(n, own, true, "")));
                continue;
            }
            asks.put(n.id(), CompletableFuture.supplyAsync(() -> ask(n)));
        }
        WatchdogInfo.Builder b = WatchdogInfo.newBuilder()
                .setAgentsTotal(config.nodes().size())
                .setQuorumSize(config.quorumSize())
                .setVip(state.getVip())
                .setVipAddress(config.vip().map(v -> v.address() + "/" + v.prefix()).orElse(""));
        int reachable = 0;
        int leader = -1;
        long term = 0;
        for (NodeConfig n : config.nodes()) {
            AgentStatus s = asks.get(n.id()).join();
            b.addAgents(s);
            if (s.getReachable()) {
                reachable++;
                if ("LEADER".equals(s.getRaft().getRole()) && s.getRaft().getTerm() >= term) {
                    leader = n.id();
                    term = s.getRaft().getTerm();
                }
            }
        }
        if (leader < 0) {
            leader = own.getLeaderId();
            term = own.getTerm();
        }
        return b.setLeaderId(leader).setTerm(term)
                .setQuorumPresent(reachable >= config.quorumSize() && leader >= 0)
                .build();
    }

    private AgentStatus ask(NodeConfig n) {
        try {
            RaftInfo info = credentials.apply(AdminGrpc.newBlockingStub(channels.get(n.id())))
                    .withDeadlineAfter(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .getRaftInfo(GetStateRequest.getDefaultInstance());
            return status(n, info, true, "");
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            return status(n, RaftInfo.newBuilder().setNodeId(n.id()).setRole("UNREACHABLE").setLeaderId(-1).build(),
                    false, why);
        }
    }

    private static AgentStatus status(NodeConfig n, RaftInfo info, boolean reachable, String error) {
        return AgentStatus.newBuilder().setNodeId(n.id()).setName(n.name()).setAddress(n.adminAddress())
                .setReachable(reachable).setRaft(info).setError(error).build();
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
