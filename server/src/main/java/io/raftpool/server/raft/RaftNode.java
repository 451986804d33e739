package io.raftpool.server.raft;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.Command;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.RaftQuery;
import io.raftpool.proto.RaftQueryReply;
import io.raftpool.server.security.NodeTls;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This agent's member of the Raft group: the Ratis server with the {@link ClusterStateMachine},
 * and a client to submit commands and linearizable heartbeats. Thin: it carries out, it does
 * not decide.
 */
public final class RaftNode implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    /** Beside the Ratis storage: this member joined empty and is no voter yet (survives a restart). */
    private static final String JOINING_MARKER = "joining";

    private final int nodeId;
    private final Path joiningMarker;
    private final RaftGroup group;
    /**
     * Every configured node: the clients that submit and heartbeat must reach whichever member
     * leads, and the group this member started with may name only a few of them (a joiner's,
     * or one formed alone, or the placeholder of a restart).
     */
    private final RaftGroup clientGroup;
    private final RaftServer server;
    /** Replaced when it fails (see {@link #renewClient}); the heartbeat client names its server itself. */
    private volatile RaftClient client;
    private volatile RaftClient heartbeatClient;
    private final RaftProperties clientProperties;
    private final RaftProperties heartbeatProperties;
    private int heartbeatFailures;
    private final ClusterStateMachine stateMachine;
    private final Parameters transport;
    private final ExecutorService callers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raft-call");
        t.setDaemon(true);
        return t;
    });

    /**
     * A member of a static group of every configured node, all voters, started together (for
     * tests of the state machine only: a cluster starts through {@link MemberStart} instead).
     */
    public RaftNode(ClusterConfig config, int nodeId, ClusterStateMachine stateMachine) throws IOException {
        this(config, nodeId, stateMachine, Optional.empty(), hasStorage(config, nodeId) ? new MemberStart.Recover()
                : new MemberStart.Join(config.nodes().stream().map(NodeConfig::id).toList(), List.of(), true));
    }

    /** Whether this node has Raft storage already (a restart), as opposed to a first start. */
    public static boolean hasStorage(ClusterConfig config, int nodeId) {
        return Files.isDirectory(storageDir(config, nodeId).resolve(RaftIds.groupId(config.name()).getUuid().toString()));
    }

    private static final java.time.format.DateTimeFormatter ASIDE_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /**
     * Moves this node's Raft storage (the node must be stopped) to {@code raft-rebuilt-<time>}
     * beside it and returns that directory. Only rebuild-member calls it, once the Raft leader
     * no longer counts this node a voter; what was set aside is kept for the operator.
     */
    public static Path setStorageAside(ClusterConfig config, int nodeId) throws IOException {
        Path from = storageDir(config, nodeId);
        Path aside = from.resolveSibling("raft-rebuilt-" + java.time.LocalDateTime.now().format(ASIDE_TIME));
        Files.move(from, aside);
        return aside;
    }

    /**
     * {@link io.raftpool.server.UnsafeSwitches#WIPE_RAFT_ON_RESTART} only: deletes this node's
     * Raft storage and returns a start as an empty voter of every configured node. Unsafe.
     */
    public static MemberStart wipeAsBrokenOnPurpose(ClusterConfig config, int nodeId) throws IOException {
        LOG.error("UNSAFE: {} is set: deleting this member's raft storage and starting it as an empty voter",
                io.raftpool.server.UnsafeSwitches.WIPE_RAFT_ON_RESTART);
        try (var files = Files.walk(storageDir(config, nodeId))) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return new MemberStart.Join(config.nodes().stream().map(NodeConfig::id).toList(), List.of(), true);
    }

    static Path storageDir(ClusterConfig config, int nodeId) {
        return config.requireNode(nodeId).agentDir().resolve("raft");
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
        this.transport = new Parameters();
        tls.ifPresent(t -> GrpcConfigKeys.TLS.setConf(transport, t));
        this.stateMachine = stateMachine;
        NodeConfig self = config.requireNode(nodeId);
        RaftGroupId groupId = RaftIds.groupId(config.name());
        if (start instanceof MemberStart.Wait w) {
            throw new IllegalArgumentException("cannot start a raft member that waits: " + w.why());
        }
        // Recover: Ratis reads the configuration from the storage, the group named here is not used.
        List<RaftPeer> peers = start instanceof MemberStart.Join j ? joiningPeers(config, j, self)
                : List.of(peer(self.id(), self.raftAddress(), false));
        LOG.info("raft member n{}: {}", nodeId, start.describe());
        this.group = RaftGroup.valueOf(groupId, peers);
        this.clientGroup = RaftGroup.valueOf(groupId, config.nodes().stream()
                .map(n -> peer(n.id(), n.raftAddress(), false)).toList());

        Path storageDir = storageDir(config, nodeId);
        Files.createDirectories(storageDir);
        this.joiningMarker = storageDir.resolve(JOINING_MARKER);
        if (start instanceof MemberStart.Join j && !j.staticGroup()) {
            Files.writeString(joiningMarker, "started empty to join the raft group as a listener\n");
        }
        RaftProperties props = serverProperties(config, self, storageDir);
        this.server = RaftServer.newBuilder()
                .setServerId(RaftIds.peerId(nodeId))
                .setGroup(group)
                .setProperties(props)
                .setParameters(transport)
                .setStateMachine(stateMachine)
                .setOption(start instanceof MemberStart.Recover ? RaftStorage.StartupOption.RECOVER
                        : RaftStorage.StartupOption.FORMAT)
                .build();
        this.clientProperties = clientProperties(config, 3000);
        this.client = newClient(clientProperties, SUBMIT_RETRY, RaftIds.peerId(nodeId));
        this.heartbeatProperties = clientProperties(config, 1000);
        this.heartbeatClient = newClient(heartbeatProperties, HEARTBEAT_RETRY, RaftIds.peerId(nodeId));
    }

    private static RaftPeer peer(int id, String address, boolean listener) {
        RaftPeer.Builder b = RaftPeer.newBuilder().setId(RaftIds.peerId(id)).setAddress(address);
        if (listener) {
            b.setStartupRole(RaftProtos.RaftPeerRole.LISTENER);
        }
        return b.build();
    }

    /**
     * The running group's members as its agents reported them, and this node as a listener (or
     * every node a voter for a static test group): a listener never campaigns, so it never
     * writes an entry of its own; the leader sends it the log, and it becomes a voter only once
     * it has caught up ({@link MemberGrowth}).
     */
    private static List<RaftPeer> joiningPeers(ClusterConfig config, MemberStart.Join join, NodeConfig self) {
        List<RaftPeer> peers = new java.util.ArrayList<>();
        for (int id : join.voters()) {
            if (id != self.id()) {
                peers.add(peer(id, config.requireNode(id).raftAddress(), false));
            }
        }
        for (int id : join.listeners()) {
            if (id != self.id()) {
                peers.add(peer(id, config.requireNode(id).raftAddress(), true));
            }
        }
        peers.add(peer(self.id(), self.raftAddress(), !join.staticGroup()));
        return peers;
    }

    private static final org.apache.ratis.retry.RetryPolicy HEARTBEAT_RETRY = RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            3, TimeDuration.valueOf(20, TimeUnit.MILLISECONDS));
    /** Heartbeats that fail in a row before the heartbeat client is replaced (the same peer-list trap as {@link #renewClient}). */
    private static final int HEARTBEAT_FAILURES_BEFORE_RENEW = 3;

    private static final org.apache.ratis.retry.RetryPolicy SUBMIT_RETRY = RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            30, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));

    private RaftClient newClient(RaftProperties props, org.apache.ratis.retry.RetryPolicy retry, RaftPeerId leader) {
        return RaftClient.newBuilder().setProperties(props).setParameters(transport).setRaftGroup(clientGroup).setRetryPolicy(retry)
                .setLeaderId(leader).build();
    }

    /**
     * The submitting client, renewed first when this member knows a leader other than the one
     * the client aims at: after a leader change a stale client could spend its whole retry
     * budget (many request timeouts, in a partition) on peers that are gone.
     */
    private RaftClient clientForKnownLeader() {
        RaftClient c = client;
        RaftPeerId known;
        try {
            known = info().getLeaderId();
        } catch (IllegalStateException e) {
            return c;
        }
        return known != null && !known.equals(c.getLeaderId()) ? renewClient(c) : c;
    }

    /**
     * A new submitting client, aimed at the leader this member knows, in place of {@code failed}.
     * Why: a Ratis client replaces its list of peers with the voters named in a NotLeader reply;
     * one that asked while the group was still {0} alone knows only node 0 from then on, and
     * after node 0 dies it tries nobody else.
     */
    private synchronized RaftClient renewClient(RaftClient failed) {
        if (client != failed) {
            return client;
        }
        RaftPeerId leader;
        try {
            leader = info().getLeaderId();
        } catch (IllegalStateException e) {
            leader = null;
        }
        client = newClient(clientProperties, SUBMIT_RETRY, leader != null ? leader : RaftIds.peerId(nodeId));
        try {
            failed.close();
        } catch (IOException e) {
            LOG.debug("closing a failed raft client: {}", e.toString());
        }
        return client;
    }

    static RaftProperties serverProperties(ClusterConfig config, NodeConfig self, Path storageDir) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(storageDir.toFile()));
        GrpcConfigKeys.Server.setHost(p, self.host());
        GrpcConfigKeys.Server.setPort(p, self.raftPort());
        long min = config.raft().electionTimeoutMin().toMillis();
        long max = config.raft().electionTimeoutMax().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(max, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(Math.max(3000, 3 * max), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setSlownessTimeout(p, TimeDuration.valueOf(60, TimeUnit.SECONDS));
        // A leader that cannot reach a majority steps down after this long (default 10 s):
        // keep it near the election timeout so an isolated leader quickly stops acting.
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, TimeDuration.valueOf(2 * max, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
        // MemberGrowth makes several caught-up listeners voters at once ({0} -> {0,1,2}); Ratis
        // refuses adding a majority in one change unless told (RATIS-1912: new voters that lag
        // could elect forever), and ours never lag.
        RaftServerConfigKeys.LeaderElection.setMemberMajorityAdd(p, true);
        // Heartbeats are linearizable reads: the leader confirms its leadership with a majority
        // before it answers, which is what fencing relies on.
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setTimeout(p, TimeDuration.valueOf(Math.max(1000, 2 * max), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.raft().snapshotEvery());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(Integer.MAX_VALUE, Math.max(1, config.raft().snapshotEvery() / 2)));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("1MB"));
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
        return p;
    }

    private static RaftProperties clientProperties(ClusterConfig config, long timeoutMs) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(timeoutMs, TimeUnit.MILLISECONDS));
        return p;
    }

    public void start() throws IOException {
        server.start();
        LOG.info("raft member n{} started in group {} with peers {}", nodeId, group.getGroupId(),
                group.getPeers().stream().map(p -> p.getId() + "@" + p.getAddress()).toList());
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
        Message message = Message.valueOf(ByteString.copyFrom(command.toByteArray()));
        return CompletableFuture.supplyAsync(() -> {
            RaftClientReply reply;
            RaftClient c = clientForKnownLeader();
            try {
                try {
                    reply = c.io().send(message);
                } catch (StateMachineException e) {
                    throw e;
                } catch (IOException e) {
                    LOG.info("raft client failed ({}); asking again through a new one aimed at the leader", rootMessage(e));
                    reply = renewClient(c).io().send(message);
                }
            } catch (StateMachineException e) {
                // The blocking client throws the refusal from startTransaction rather than
                // returning it in an unsuccessful reply.
                throw new CompletionException(new CommandRefusedException(command.getKindCase().name(), rootMessage(e)));
            } catch (IOException e) {
                throw new CompletionException(e);
            }
            if (!reply.isSuccess()) {
                throw new CompletionException(new CommandRefusedException(command.getKindCase().name(), describe(reply)));
            }
            return reply.getLogIndex();
        }, callers);
    }

    /** A heartbeat's answer: the leader's applied index and how old its majority contact was. */
    public record Beat(long leaderAppliedIndex, long leaderMajorityAgeMs) {}

    /**
     * A linearizable read through the leader: completes when a majority confirmed the leader,
     * with the leader's applied index (this agent's state is current once it applied as much).
     */
    public CompletableFuture<Beat> heartbeat() {
        RaftQuery query = RaftQuery.newBuilder().setHeartbeatFrom(nodeId).build();
        Message message = Message.valueOf(ByteString.copyFrom(query.toByteArray()));
        return CompletableFuture.supplyAsync(() -> {
            try {
                // Addressed to the leader itself: a follower would serve a linearizable read
                // locally, and the leader would never hear who is alive.
                RaftPeerId leader = info().getLeaderId();
                if (leader == null) {
                    throw new CompletionException(new IOException("no raft leader known"));
                }
                RaftClient c = heartbeatClient;
                RaftClientReply reply;
                try {
                    reply = c.io().sendReadOnly(message, leader);
                } catch (IOException | RuntimeException e) {
                    heartbeatFailed(c, e);
                    throw e;
                }
                if (!reply.isSuccess()) {
                    throw new CompletionException(new IOException(describe(reply)));
                }
                heartbeatFailures = 0;
                RaftQueryReply r = RaftQueryReply.parseFrom(reply.getMessage().getContent().toByteArray());
                return new Beat(r.getAppliedIndex(), r.getLeaderMajorityAgeMs());
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, callers);
    }

    /**
     * A heartbeat client that names a leader it does not know ("Server n2 not found"), or fails
     * several times in a row, is replaced by a new one that knows every configured member.
     */
    private synchronized void heartbeatFailed(RaftClient failed, Exception e) {
        if (heartbeatClient != failed) {
            return;
        }
        heartbeatFailures++;
        if (heartbeatFailures < HEARTBEAT_FAILURES_BEFORE_RENEW && !String.valueOf(rootMessage(e)).contains("not found")) {
            return;
        }
        heartbeatFailures = 0;
        heartbeatClient = newClient(heartbeatProperties, HEARTBEAT_RETRY, RaftIds.peerId(nodeId));
        try {
            failed.close();
        } catch (IOException closing) {
            LOG.debug("closing a failed raft heartbeat client: {}", closing.toString());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static String describe(RaftClientReply reply) {
        if (reply.getException() != null) {
            Throwable t = reply.getException();
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            return t.getMessage() != null ? t.getMessage() : t.toString();
        }
        return "refused by the Raft group";
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
    public void setConfiguration(List<io.raftpool.proto.NodeInfo> voters, List<io.raftpool.proto.NodeInfo> listeners)
            throws IOException {
        List<RaftPeer> servers = voters.stream().map(n -> peer(n.getId(), n.getHost() + ":" + n.getRaftPort(), false)).toList();
        List<RaftPeer> listening = listeners.stream().map(n -> peer(n.getId(), n.getHost() + ":" + n.getRaftPort(), true))
                .toList();
        // The List form: the array form of Ratis's setConfiguration drops the servers (3.2, 3.3).
        RaftClient c = clientForKnownLeader();
        RaftClientReply reply;
        try {
            reply = c.admin().setConfiguration(servers, listening);
        } catch (IOException e) {
            reply = renewClient(c).admin().setConfiguration(servers, listening);
        }
        if (!reply.isSuccess()) {
            throw new IOException("raft configuration change to voters " + ids(servers) + ", listeners " + ids(listening)
                    + " refused: " + describe(reply));
        }
        LOG.info("raft configuration is now voters {}, listeners {}", ids(servers), ids(listening));
    }

    private static List<Integer> ids(List<RaftPeer> peers) {
        return peers.stream().map(p -> RaftIds.nodeId(p.getId())).toList();
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
                    .setAppliedIndex(info.getLastAppliedIndex());
            long commit = server.getDivision(group.getGroupId()).getRaftLog().getLastCommittedIndex();
            List<Integer> voters = members();
            b.setCommitIndex(commit).addAllVoters(voters).addAllListeners(listeners()).setJoining(joining(voters));
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
            callers.shutdownNow();
            client.close();
            heartbeatClient.close();
        } finally {
            server.close();
        }
    }
}
