package io.raftpool.server.raft;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.Command;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.RaftInfo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This agent's member of the Raft group: the Ratis server with the {@link ClusterStateMachine},
 * started from its storage ({@link MemberStorage}) as {@link MemberStart} says, and what it
 * knows (role, leader, configuration, indexes); commands, heartbeats and configuration changes
 * go to the leader through {@link RaftCalls}. Thin: it carries out, it does not decide.
 */
public final class RaftNode implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final int nodeId;
    private final Path joiningMarker;
    private final RaftGroup group;
    private final RaftServer server;
    private final RaftCalls calls;
    private final ClusterStateMachine stateMachine;

    /**
     * A member of a static group of every configured node, all voters, started together (for
     * tests of the state machine only: a cluster starts through {@link MemberStart} instead).
     */
    public RaftNode(ClusterConfig config, int nodeId, ClusterStateMachine stateMachine) throws IOException {
        this(config, nodeId, stateMachine, Optional.empty(), MemberStorage.exists(config, nodeId) ? new MemberStart.Recover()
                : new MemberStart.Join(config.nodes().stream().map(NodeConfig::id).toList(), List.of(), true));
    }

    /**
     * A member whose Raft transport (server, and the clients that submit and heartbeat) uses
     * {@code tls}: mutual TLS, every member shows its certificate and checks the other's against
     * the CA. Empty: plaintext. {@code start} says how it starts: from its storage, forming a new
     * group alone, or joining a running one as a listener.
     */
    public RaftNode(ClusterConfig config, int nodeId, ClusterStateMachine stateMachine, Optional<GrpcTlsConfig> tls,
                    MemberStart start) throws IOException {
        this.nodeId = nodeId;
        Parameters transport = new Parameters();
        tls.ifPresent(t -> GrpcConfigKeys.TLS.setConf(transport, t));
        this.stateMachine = stateMachine;
        NodeConfig self = config.requireNode(nodeId);
        if (start instanceof MemberStart.Wait w) {
            throw new IllegalArgumentException("cannot start a raft member that waits: " + w.why());
        }
        // Recover: Ratis reads the configuration from the storage, the group named here is not used.
        List<RaftPeer> peers = start instanceof MemberStart.Join j ? RaftPeers.joining(config, j, self)
                : List.of(RaftPeers.peer(self.id(), self.raftAddress(), false));
        LOG.info("raft member n{}: {}", nodeId, start.describe());
        this.group = RaftGroup.valueOf(RaftIds.groupId(config.name()), peers);

        Path storageDir = MemberStorage.dir(config, nodeId);
        Files.createDirectories(storageDir);
        this.joiningMarker = MemberStorage.joiningMarker(storageDir);
        if (start instanceof MemberStart.Join j && !j.staticGroup()) {
            Files.writeString(joiningMarker, "started empty to join the raft group as a listener\n");
        }
        this.server = RaftServer.newBuilder()
                .setServerId(RaftIds.peerId(nodeId))
                .setGroup(group)
                .setProperties(RaftSettings.server(config, self, storageDir))
                .setParameters(transport)
                .setStateMachine(stateMachine)
                .setOption(start instanceof MemberStart.Recover ? RaftStorage.StartupOption.RECOVER
                        : RaftStorage.StartupOption.FORMAT)
                .build();
        this.calls = new RaftCalls(config, nodeId, transport, this::info);
    }

    public void start() throws IOException {
        server.start();
        LOG.info("raft member n{} started in group {} with peers {}", nodeId, group.getGroupId(),
                group.getPeers().stream().map(p -> p.getId() + "@" + p.getAddress()).toList());
        if (info().getLifeCycleState() == org.apache.ratis.util.LifeCycle.State.STARTING) {
            LOG.warn("raft member n{} started outside its configuration's voters and listeners ({}): it receives the log"
                    + " but cannot vote until the leader counts it caught up", nodeId,
                    server.getDivision(group.getGroupId()).getRaftConf());
        }
    }

    public int nodeId() {
        return nodeId;
    }

    public ClusterStateMachine stateMachine() {
        return stateMachine;
    }

    /**
     * Submits a command; completes with its log index once committed and applied on the leader.
     * Uses Ratis's blocking API on our own threads: its ordered async client closes itself for
     * good after one request exhausts its retries, which a leader change makes routine.
     */
    public CompletableFuture<Long> submit(Command command) {
        return calls.submit(command);
    }

    /** A heartbeat's answer: the leader's applied index and how old its majority contact was. */
    public record Beat(long leaderAppliedIndex, long leaderMajorityAgeMs) {}

    /**
     * A linearizable read through the leader: completes when a majority confirmed the leader,
     * with the leader's applied index (this agent's state is current once it applied as much).
     */
    public CompletableFuture<Beat> heartbeat() {
        return calls.heartbeat();
    }

    public DivisionInfo info() {
        try {
            return server.getDivision(group.getGroupId()).getInfo();
        } catch (IOException e) {
            throw new IllegalStateException("raft division unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code voters} and {@code listeners} the Raft configuration (membership change,
     * joint consensus inside Ratis). Blocks until the new configuration is committed; throws
     * with Ratis's reason.
     */
    public void setConfiguration(List<NodeInfo> voters, List<NodeInfo> listeners) throws IOException {
        List<RaftPeer> servers = RaftPeers.of(voters, false);
        List<RaftPeer> listening = RaftPeers.of(listeners, true);
        RaftClientReply reply = calls.setConfiguration(servers, listening);
        if (!reply.isSuccess()) {
            throw new IOException("raft configuration change to voters " + RaftPeers.ids(servers) + ", listeners "
                    + RaftPeers.ids(listening) + " refused: " + RaftCalls.describe(reply));
        }
        LOG.info("raft configuration is now voters {}, listeners {}", RaftPeers.ids(servers), RaftPeers.ids(listening));
    }

    /** The voters of the Raft configuration this member knows, as node ids. */
    public List<Integer> members() {
        return confIds(false);
    }

    /** The listeners of the Raft configuration this member knows, as node ids. */
    public List<Integer> listeners() {
        return confIds(true);
    }

    /** Whether this member started empty to join and is no voter yet; forgets it once it votes. */
    private boolean joining(List<Integer> voters) {
        if (!Files.exists(joiningMarker)) {
            return false;
        }
        if (voters.contains(nodeId) && !configurationChanging()) {
            try {
                Files.deleteIfExists(joiningMarker);
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", joiningMarker, e.getMessage());
            }
            return false;
        }
        return true;
    }

    /** Whether this member's configuration is a joint one (a change under way). */
    public boolean configurationChanging() {
        try {
            return !server.getDivision(group.getGroupId()).getRaftConf().getPreviousPeers().isEmpty();
        } catch (IOException e) {
            throw new IllegalStateException("raft division unavailable: " + e.getMessage(), e);
        }
    }

    private boolean configurationSettled(long commitIndex) throws IOException {
        var conf = server.getDivision(group.getGroupId()).getRaftConf();
        return conf.getPreviousPeers().isEmpty() && conf.getLogEntryIndex() <= commitIndex;
    }

    private List<Integer> confIds(boolean listeners) {
        try {
            var conf = server.getDivision(group.getGroupId()).getRaftConf();
            var peers = listeners ? conf.getCurrentPeers(RaftProtos.RaftPeerRole.LISTENER) : conf.getCurrentPeers();
            return peers.stream().map(p -> RaftIds.nodeId(p.getId())).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("raft division unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * As leader: how long ago a majority (counting this server) last replied, from Ratis's own
     * per-follower reply times; Long.MAX_VALUE when not leader or unknown. Ratis answers reads
     * without a heartbeat round while its commit index is acknowledged, so this, not a read,
     * tells whether the leader is still in contact.
     */
    public long leaderMajorityAgeMs() {
        try {
            RaftProtos.RoleInfoProto role = info().getRoleInfoProto();
            if (!role.hasLeaderInfo()) {
                return Long.MAX_VALUE;
            }
            // Voters only: listeners receive the log but never count toward a majority.
            List<Integer> voters = members();
            List<Long> ages = new java.util.ArrayList<>();
            for (RaftProtos.ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
                if (voters.contains(RaftIds.nodeId(RaftPeerId.valueOf(f.getId().getId())))) {
                    ages.add(f.getLastRpcElapsedTimeMs());
                }
            }
            return MajorityAge.of(ages, voters.size());
        } catch (IllegalStateException e) {
            return Long.MAX_VALUE;
        }
    }

    public boolean isLeaderReady() {
        try {
            DivisionInfo info = info();
            return info.isLeader() && info.isLeaderReady();
        } catch (IllegalStateException e) {
            return false;
        }
    }

    public long term() {
        return info().getCurrentTerm();
    }

    public int leaderNode() {
        RaftPeerId leader = info().getLeaderId();
        return leader == null ? -1 : RaftIds.nodeId(leader);
    }

    public RaftInfo raftInfo(long majorityContactAgeMs) {
        RaftInfo.Builder b = RaftInfo.newBuilder().setNodeId(nodeId).setMajorityContactAgeMs(majorityContactAgeMs);
        try {
            DivisionInfo info = info();
            RaftProtos.RaftPeerRole role = info.getCurrentRole();
            b.setRole(role.name()).setTerm(info.getCurrentTerm()).setLeaderId(
                    info.getLeaderId() == null ? -1 : RaftIds.nodeId(info.getLeaderId()))
                    .setAppliedIndex(info.getLastAppliedIndex())
                    .setInitializing(info.getLifeCycleState() == org.apache.ratis.util.LifeCycle.State.STARTING);
            long commit = server.getDivision(group.getGroupId()).getRaftLog().getLastCommittedIndex();
            List<Integer> voters = members();
            b.setCommitIndex(commit).addAllVoters(voters).addAllListeners(listeners()).setJoining(joining(voters))
                    .setConfigurationSettled(configurationSettled(commit));
        } catch (IOException | IllegalStateException e) {
            b.setRole("DOWN").setLeaderId(-1);
        }
        return b.build();
    }

    /**
     * Whether Ratis closed this server itself (after a long pause, or a storage failure). A
     * division still being set up (a new member waiting for its first entries) is not closed.
     */
    public boolean hasClosedItself() {
        try {
            org.apache.ratis.util.LifeCycle.State state = info().getLifeCycleState();
            return state.isClosingOrClosed() || state == org.apache.ratis.util.LifeCycle.State.EXCEPTION;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            calls.close();
        } finally {
            server.close();
        }
    }
}
