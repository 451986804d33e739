package io.raftpool.server.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.RaftQuery;
import io.raftpool.proto.RaftQueryReply;
import io.raftpool.server.state.Transitions;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis adapter around {@link Transitions}: parses log entries into {@link Command}s,
 * applies them, keeps the latest state, writes and loads snapshots. It decides nothing; it
 * tells the agent (through {@link Listener}) what was applied and when leadership changes.
 * No callback blocks: the listener hands work to the agent's own threads.
 */
public final class ClusterStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterStateMachine.class);

    /** What the agent hears from the state machine. Implementations must not block. */
    public interface Listener {
        void applied(AppliedState applied);

        default void leaderReady() {}

        default void notLeader() {}

        default void leaderChanged(int leaderNode) {}

        /** A linearizable heartbeat query from {@code nodeId} reached this server as leader. */
        default void heardFrom(int nodeId) {}

        /** This leader's age of contact with a majority of followers, from their last replies. */
        default long leaderMajorityAgeMs() {
            return 0;
        }
    }

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Listener listener;
    private volatile AppliedState current = new AppliedState(Transitions.empty(), 0, 0);

    public ClusterStateMachine(Listener listener) {
        this.listener = listener;
    }

    public AppliedState current() {
        return current;
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        getLifeCycle().startAndTransition(this::loadLatestSnapshot, IOException.class);
    }

    /**
     * Ratis pauses the state machine before it installs a snapshot from the leader and checks
     * that it is paused before {@link #reinitialize}; the base class does neither.
     */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        loadLatestSnapshot();
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private void loadLatestSnapshot() throws IOException {
        // Scan the directory, not the storage's cached latest: after a snapshot was installed
        // from the leader, the cache still names this server's own older one.
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        ClusterState state;
        try {
            state = ClusterState.parseFrom(Files.readAllBytes(file.toPath()));
        } catch (IOException e) {
            throw new IOException("cannot load the snapshot " + file + " (term " + snapshot.getTerm() + ", index "
                    + snapshot.getIndex() + "): " + e.getMessage(), e);
        }
        TermIndex ti = snapshot.getTermIndex();
        setLastAppliedTermIndex(ti);
        current = new AppliedState(state, ti.getIndex(), ti.getTerm());
        LOG.info("loaded snapshot {} at term {} index {} ({} nodes, epoch {})", file.getName(), ti.getTerm(),
                ti.getIndex(), state.getNodesCount(), state.getPrimary().getEpoch());
        listener.applied(current);
    }

    @Override
    public long takeSnapshot() throws IOException {
        AppliedState snap = current;
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() <= 0) {
            return org.apache.ratis.server.raftlog.RaftLog.INVALID_LOG_INDEX;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        try {
            Files.write(file.toPath(), snap.state().toByteArray());
            MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
            // Ratis sends a lagging follower the snapshot the storage names as latest: without
            // this it keeps naming the first one, even after retention deleted its file.
            storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        } catch (IOException e) {
            throw new IOException("cannot write the snapshot " + file + " at term " + last.getTerm() + " index "
                    + last.getIndex() + ": " + e.getMessage(), e);
        }
        LOG.info("took snapshot at term {} index {} ({} bytes)", last.getTerm(), last.getIndex(), file.length());
        return last.getIndex();
    }

    /**
     * Refuses a command before it is logged: when it does not fit the current state, or when it
     * is a leader's order from an older term (a leader that was replaced while it decided).
     */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext trx = super.startTransaction(request);
        Command command;
        try {
            command = Command.parseFrom(request.getMessage().getContent().toByteArray());
        } catch (InvalidProtocolBufferException e) {
            trx.setException(new IllegalArgumentException("not a raftpool command: " + e.getMessage()));
            return trx;
        }
        if (command.getTerm() > 0) {
            long term = getServer().join().getDivision(getGroupId()).getInfo().getCurrentTerm();
            if (command.getTerm() != term) {
                trx.setException(new IllegalStateException("refused " + command.getKindCase()
                        + ": decided at term " + command.getTerm() + " but this leader's term is " + term));
                return trx;
            }
        }
        Optional<String> problem = Transitions.validate(current.state(), command);
        problem.ifPresent(p -> trx.setException(new IllegalArgumentException(p)));
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        RaftProtos.LogEntryProto entry = trx.getLogEntry();
        ClusterState next = current.state();
        String refused = "";
        try {
            Command command = Command.parseFrom(entry.getStateMachineLogEntry().getLogData().toByteArray());
            // validated against the leader's applied state when it was submitted, but entries
            // logged before it may have changed the state since (a failover begun before a
            // restart of the old primary): then it is a no-op here, and its submitter must know
            refused = Transitions.validate(next, command).orElse("");
            next = Transitions.apply(next, command);
        } catch (InvalidProtocolBufferException e) {
            // Never thrown past here: an exception in apply stops the server. startTransaction
            // refuses unparseable commands, so this is a log written by another version.
            LOG.error("skipped log entry {} that is not a raftpool command: {}", entry.getIndex(), e.getMessage());
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        current = new AppliedState(next, entry.getIndex(), entry.getTerm());
        listener.applied(current);
        return CompletableFuture.completedFuture(refused.isEmpty() ? Message.EMPTY : Message.valueOf(refused));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            RaftQuery q = RaftQuery.parseFrom(request.getContent().toByteArray());
            if (q.getHeartbeatFrom() >= 0) {
                listener.heardFrom(q.getHeartbeatFrom());
            }
        } catch (InvalidProtocolBufferException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a raftpool query"));
        }
        RaftQueryReply reply = RaftQueryReply.newBuilder().setAppliedIndex(current.index())
                .setLeaderMajorityAgeMs(listener.leaderMajorityAgeMs()).build();
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply.toByteArray())));
    }

    @Override
    public void notifyLeaderReady() {
        listener.leaderReady();
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        listener.notLeader();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        listener.leaderChanged(newLeaderId == null ? -1 : RaftIds.nodeId(newLeaderId));
    }
}
