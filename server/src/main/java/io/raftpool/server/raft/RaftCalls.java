package io.raftpool.server.raft;

import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.Command;
import io.raftpool.proto.RaftQuery;
import io.raftpool.proto.RaftQueryReply;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis clients through which this member asks the leader: one submits commands and
 * configuration changes, one sends the linearizable heartbeats. Each is replaced by a new one
 * aimed at the leader this member knows when it may be stuck on peers that are gone.
 */
final class RaftCalls implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftCalls.class);

    private static final RetryPolicy HEARTBEAT_RETRY = RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            3, TimeDuration.valueOf(20, TimeUnit.MILLISECONDS));
    /** Heartbeats that fail in a row before the heartbeat client is replaced (the same peer-list trap as {@link #renewClient}). */
    private static final int HEARTBEAT_FAILURES_BEFORE_RENEW = 3;

    private static final RetryPolicy SUBMIT_RETRY = RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            30, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));

    private final int nodeId;
    /** Where this member's own Ratis server says who leads. */
    private final Supplier<DivisionInfo> info;
    private final Parameters transport;
    /**
     * Every configured node: the clients that submit and heartbeat must reach whichever member
     * leads, and the group this member started with may name only a few of them (a joiner's,
     * or one formed alone, or the placeholder of a restart).
     */
    private final RaftGroup clientGroup;
    /** Replaced when it fails (see {@link #renewClient}); the heartbeat client names its server itself. */
    private volatile RaftClient client;
    private volatile RaftClient heartbeatClient;
    private final RaftProperties clientProperties;
    private final RaftProperties heartbeatProperties;
    private int heartbeatFailures;
    private final ExecutorService callers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raft-call");
        t.setDaemon(true);
        return t;
    });

    RaftCalls(ClusterConfig config, int nodeId, Parameters transport, Supplier<DivisionInfo> info) {
        this.nodeId = nodeId;
        this.info = info;
        this.transport = transport;
        this.clientGroup = RaftGroup.valueOf(RaftIds.groupId(config.name()), RaftPeers.configured(config));
        this.clientProperties = RaftSettings.client(config, 3000);
        this.client = newClient(clientProperties, SUBMIT_RETRY, RaftIds.peerId(nodeId));
        this.heartbeatProperties = RaftSettings.client(config, 1000);
        this.heartbeatClient = newClient(heartbeatProperties, HEARTBEAT_RETRY, RaftIds.peerId(nodeId));
    }

    private RaftClient newClient(RaftProperties props, RetryPolicy retry, RaftPeerId leader) {
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
            known = info.get().getLeaderId();
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
            leader = info.get().getLeaderId();
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

    /** See {@link RaftNode#submit}. */
    CompletableFuture<Long> submit(Command command) {
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
            if (reply.getMessage() != null && !reply.getMessage().getContent().isEmpty()) {
                // committed, but a no-op: the state had changed by the time it was applied
                throw new CompletionException(new CommandRefusedException(command.getKindCase().name(),
                        "refused when applied at index " + reply.getLogIndex() + ": "
                                + reply.getMessage().getContent().toStringUtf8()));
            }
            return reply.getLogIndex();
        }, callers);
    }

    /** See {@link RaftNode#heartbeat}. */
    CompletableFuture<RaftNode.Beat> heartbeat() {
        RaftQuery query = RaftQuery.newBuilder().setHeartbeatFrom(nodeId).build();
        Message message = Message.valueOf(ByteString.copyFrom(query.toByteArray()));
        return CompletableFuture.supplyAsync(() -> {
            try {
                // Addressed to the leader itself: a follower would serve a linearizable read
                // locally, and the leader would never hear who is alive.
                RaftPeerId leader = info.get().getLeaderId();
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
                return new RaftNode.Beat(r.getAppliedIndex(), r.getLeaderMajorityAgeMs());
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

    /** Asks the leader to make {@code servers} and {@code listeners} the configuration; Ratis's reply. */
    RaftClientReply setConfiguration(List<RaftPeer> servers, List<RaftPeer> listeners) throws IOException {
        // The List form: the array form of Ratis's setConfiguration drops the servers (3.2, 3.3).
        RaftClient c = clientForKnownLeader();
        try {
            return c.admin().setConfiguration(servers, listeners);
        } catch (IOException e) {
            return renewClient(c).admin().setConfiguration(servers, listeners);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    static String describe(RaftClientReply reply) {
        return reply.getException() != null ? rootMessage(reply.getException()) : "refused by the Raft group";
    }

    @Override
    public void close() throws IOException {
        callers.shutdownNow();
        client.close();
        heartbeatClient.close();
    }
}
