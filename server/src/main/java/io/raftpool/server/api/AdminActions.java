package io.raftpool.server.api;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.AddNode;
import io.raftpool.proto.AddNodeRequest;
import io.raftpool.proto.BeginFailover;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.RemoveNode;
import java.io.IOException;
import io.raftpool.proto.BeginRecovery;
import io.raftpool.proto.SwitchoverRequest;
import io.raftpool.server.state.ClusterStates;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.Operation;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.SetDetached;
import io.raftpool.server.raft.StateHub;
import io.raftpool.server.raft.AppliedState;
import io.raftpool.server.raft.RaftNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** Operators' commands: checked against the committed state, then committed through Raft. */
public final class AdminActions {
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    private static final Duration CATCH_UP = Duration.ofSeconds(5);
    private static final Duration REBUILD_WAIT = Duration.ofSeconds(60);

    private final int self;
    private final RaftNode raft;
    private final StateHub hub;
    private final Supplier<ClusterState> state;
    private final LongSupplier wallMs;

    private final MemberRebuild rebuild;
    private final MaintenanceActions maintenance;
    private final ParameterActions parameters;
    private final BackupActions backups;

    public AdminActions(int self, RaftNode raft, StateHub hub, LongSupplier wallMs, MemberRebuild.Members members,
                        SettingLookup settings, io.raftpool.config.ArchiveSettings archive) {
        this.self = self;
        this.raft = raft;
        this.hub = hub;
        this.state = () -> hub.current().state();
        this.wallMs = wallMs;
        this.rebuild = new MemberRebuild(self, raft, state, members);
        this.maintenance = new MaintenanceActions(this, wallMs);
        this.parameters = new ParameterActions(this, settings);
        this.backups = new BackupActions(this, archive);
    }

    public BackupActions backups() {
        return backups;
    }

    /** set-parameter and restart-node: see {@link ParameterActions}. */
    public ParameterActions parameters() {
        return parameters;
    }

    /** pause and resume: see {@link MaintenanceActions}. */
    public MaintenanceActions maintenance() {
        return maintenance;
    }

    /** rebuild-member: see {@link MemberRebuild}. */
    public ActionReply rebuildMember(NodeRequest r) {
        Optional<ClusterState> current = currentState();
        if (current.isEmpty()) {
            return notCurrent();
        }
        return rebuild.rebuild(current.get(), r, r.getTimeoutMs() > 0 ? Duration.ofMillis(r.getTimeoutMs()) : REBUILD_WAIT);
    }

    /** An operator's note, committed into the event history like any other event. */
    public ActionReply note(io.raftpool.proto.NoteRequest r) {
        Duration timeout = r.getTimeoutMs() > 0 ? Duration.ofMillis(r.getTimeoutMs()) : DEFAULT_WAIT;
        Command c = base().setAppendEvent(io.raftpool.proto.AppendEvent.newBuilder().setEvent(io.raftpool.proto.Event
                .newBuilder().setKind("note").setNodeId(-1).setMessage("note from an operator: " + r.getText()))).build();
        Optional<String> failure = commit(c, timeout);
        if (failure.isPresent()) {
            return refused(failure.get());
        }
        return accepted("note recorded", state.get().getPrimary().getEpoch());
    }

    /** Asked by the agent carrying out rebuild-member of this node. */
    public ActionReply resetRaftMember(NodeRequest r) {
        return rebuild.reset(r);
    }

    public ActionReply promote(NodeRequest r) {
        Optional<ClusterState> current = currentState();
        if (current.isEmpty()) {
            return notCurrent();
        }
        ClusterState s = current.get();
        Optional<String> refusal = AdminChecks.promote(s, r.getNodeId());
        if (refusal.isPresent()) {
            return refused(refusal.get());
        }
        long epoch = s.getPrimary().getEpoch() + 1;
        Command c = base().setBeginFailover(BeginFailover.newBuilder()
                .setKind(Operation.Kind.PROMOTE).setNewEpoch(epoch).setTarget(r.getNodeId())
                .setOldPrimary(s.getPrimary().getNodeId())
                .setReason("promote-node " + r.getNodeId() + " requested by an operator")
                .setDetectedMs(wallMs.getAsLong())).build();
        Optional<String> failure = commit(c, timeout(r));
        if (failure.isPresent()) {
            return refused(failure.get());
        }
        if (!r.getWait()) {
            return accepted("promotion of node " + r.getNodeId() + " started at epoch " + epoch, epoch);
        }
        ClusterState now = awaitState(timeout(r), st -> st.getPrimary().getEpoch() != epoch
                || st.getPrimary().getPhase() != PrimaryPhase.PROMOTING);
        if (now.getPrimary().getEpoch() != epoch) {
            return refused("epoch moved on to " + now.getPrimary().getEpoch() + " while promoting node " + r.getNodeId());
        }
        if (now.getPrimary().getPhase() == PrimaryPhase.ACTIVE) {
            return accepted("node " + r.getNodeId() + " is the primary at epoch " + epoch, epoch);
        }
        if (now.getPrimary().getPhase() == PrimaryPhase.PHASE_NONE) {
            return refused("promotion of node " + r.getNodeId() + " failed: "
                    + (now.getEventsCount() > 0 ? now.getEvents(now.getEventsCount() - 1).getMessage() : "see raftpool events"));
        }
        return refused("node " + r.getNodeId() + " was not promoted within " + timeout(r).toSeconds() + " s; see raftpool events");
    }

    public ActionReply recover(NodeRequest r) {
        Optional<ClusterState> current = currentState();
        if (current.isEmpty()) {
            return notCurrent();
        }
        ClusterState s = current.get();
        Optional<String> refusal = AdminChecks.recover(s, r.getNodeId())
                .or(() -> r.getFromBackup() ? backups.fromBackupRefusal(s) : Optional.empty());
        if (refusal.isPresent()) {
            return refused(refusal.get());
        }
        long epoch = s.getPrimary().getEpoch();
        Command c = base().setBeginRecovery(BeginRecovery.newBuilder().setNodeId(r.getNodeId()).setEpoch(epoch)
                .setSource(s.getPrimary().getNodeId()).setRequestedBy("recovery-node").setFromBackup(r.getFromBackup()))
                .build();
        Optional<String> failure = commit(c, timeout(r));
        if (failure.isPresent()) {
            return refused(failure.get());
        }
        if (!r.getWait()) {
            return accepted("recovery of node " + r.getNodeId() + " from node " + s.getPrimary().getNodeId() + " started",
                    epoch);
        }
        ClusterState end = awaitState(timeout(r), st -> st.getRecoveriesList().stream()
                .noneMatch(x -> x.getNodeId() == r.getNodeId()));
        Backend b = ClusterStates.backend(end, r.getNodeId()).orElseThrow();
        if (end.getRecoveriesList().stream().anyMatch(x -> x.getNodeId() == r.getNodeId())) {
            return refused("node " + r.getNodeId() + " is still being recovered after " + timeout(r).toSeconds()
                    + " s; follow it with raftpool pool-nodes");
        }
        return b.getStatus() == BackendStatus.UP ? accepted("node " + r.getNodeId() + " is up: " + b.getStatusReason(), epoch)
                : refused("recovery of node " + r.getNodeId() + " failed: " + b.getStatusReason());
    }

    public ActionReply switchover(SwitchoverRequest r) {
        Optional<ClusterState> current = currentState();
        if (current.isEmpty()) {
            return notCurrent();
        }
        ClusterState s = current.get();
        int target = r.getTarget() >= 0 ? r.getTarget() : AdminChecks.bestStandby(s);
        Optional<String> refusal = AdminChecks.switchover(s, target);
        if (refusal.isPresent()) {
            return refused(refusal.get());
        }
        long epoch = s.getPrimary().getEpoch() + 1;
        int old = s.getPrimary().getNodeId();
        Duration timeout = r.getTimeoutMs() > 0 ? Duration.ofMillis(r.getTimeoutMs()) : DEFAULT_WAIT;
        Command c = base().setBeginFailover(BeginFailover.newBuilder().setKind(Operation.Kind.SWITCHOVER)
                .setNewEpoch(epoch).setTarget(target).setOldPrimary(old)
                .setReason("switchover from node " + old + " to node " + target + " requested by an operator")
                .setDetectedMs(wallMs.getAsLong())).build();
        Optional<String> failure = commit(c, timeout);
        if (failure.isPresent()) {
            return refused(failure.get());
        }
        if (!r.getWait()) {
            return accepted("switchover to node " + target + " started at epoch " + epoch, epoch);
        }
        ClusterState end = awaitState(timeout, st -> st.getPrimary().getEpoch() != epoch
                || st.getPrimary().getPhase() != PrimaryPhase.PROMOTING);
        if (end.getPrimary().getEpoch() == epoch && end.getPrimary().getPhase() == PrimaryPhase.ACTIVE) {
            long pause = end.getPrimary().getSinceMs() - end.getEventsList().stream()
                    .filter(e -> e.getEpoch() == epoch && e.getMessage().startsWith("switchover begins"))
                    .mapToLong(io.raftpool.proto.Event::getAtMs).findFirst().orElse(end.getPrimary().getSinceMs());
            return accepted("node " + target + " is the primary at epoch " + epoch + "; writes paused for " + pause
                    + " ms; node " + old + " rejoins as its standby", epoch);
        }
        return refused("switchover to node " + target + " did not complete: see raftpool events");
    }

    /**
     * add-node: the node joins the committed state (so it is known when its agent arrives),
     * then the Raft configuration; its agent then builds its standby from the primary. Both
     * steps are idempotent, so a failed add-node is simply repeated.
     */
    public ActionReply addNode(AddNodeRequest r) {
        Duration timeout = r.getTimeoutMs() > 0 ? Duration.ofMillis(r.getTimeoutMs()) : DEFAULT_WAIT;
        Optional<ClusterState> current = currentState();
        if (current.isEmpty()) {
            return notCurrent();
        }
        ClusterState s = current.get();
        NodeInfo n = r.getNode();
        boolean known = ClusterStates.node(s, n.getId()).isPresent();
        if (!known) {
            Optional<String> failure = commit(base().setAddNode(AddNode.newBuilder().setNode(n)).build(), timeout);
            if (failure.isPresent()) {
                return refused(failure.get());
            }
        }
        // The leader's MemberGrowthDuty adds it as a listener and makes it a voter once caught up.
        if (!awaitVoter(n.getId(), timeout)) {
            return refused("node " + n.getId() + " is in the cluster state but not yet a voter of the raft configuration"
                    + " after " + timeout.toSeconds() + " s: is its agent running? It joins as soon as its agent answers;"
                    + " run add-node again to wait for it");
        }
        return accepted("node " + n.getId() + " (" + n.getName() + ") joined" + (n.getWitness() ? ""
                : "; its agent builds it as a standby of node " + state.get().getPrimary().getNodeId()),
                state.get().getPrimary().getEpoch());
    }

    /**
     * remove-node: the node leaves the committed state first (nobody routes to it or promotes it
     * any more), then the Raft configuration.
     */
    public ActionReply removeNode(NodeRequest r) {
        Optional<ClusterState> current = currentState();
        if (current.isEmpty()) {
            return notCurrent();
        }
        ClusterState s = current.get();
        int id = r.getNodeId();
        if (ClusterStates.node(s, id).isPresent()) {
            Optional<String> failure = commit(base().setRemoveNode(RemoveNode.newBuilder().setNodeId(id)
                    .setReason("remove-node requested by an operator")).build(), timeout(r));
            if (failure.isPresent()) {
                return refused(failure.get());
            }
        } else if (!raft.members().contains(id)) {
            return refused("node " + id + " is not in the cluster; nodes are " + ClusterStates.nodeIds(s));
        }
        try {
            List<Integer> keep = state.get().getNodesList().stream().map(NodeInfo::getId).toList();
            raft.setConfiguration(nodeInfos(raft.members(), keep), nodeInfos(raft.listeners(), keep));
        } catch (IOException | RuntimeException e) {
            return refused("node " + id + " left the cluster state but is still in the raft configuration: "
                    + e.getMessage() + "; run remove-node again");
        }
        return accepted("node " + id + " left the cluster; stop its agent (and its PostgreSQL, which no longer replicates)",
                state.get().getPrimary().getEpoch());
    }

    /** Of {@code ids}, those in {@code keep}, as the committed state describes them. */
    private List<NodeInfo> nodeInfos(List<Integer> ids, List<Integer> keep) {
        return state.get().getNodesList().stream().filter(n -> ids.contains(n.getId()) && keep.contains(n.getId())).toList();
    }

    private boolean awaitVoter(int id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (raft.members().contains(id)) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return raft.members().contains(id);
    }

    /**
     * The committed state, at least as current as the Raft leader's when the request came: an
     * agent just back from a restart, a pause or a partition would otherwise judge a request
     * against what it knew before ("node 0 is the primary") until it caught up.
     */
    Optional<ClusterState> currentState() {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        try {
            while (true) {
                long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    return Optional.empty();
                }
                try {
                    RaftNode.Beat beat = raft.heartbeat().get(leftMs, TimeUnit.MILLISECONDS);
                    return hub.awaitIndex(beat.leaderAppliedIndex(), Duration.ofMillis(Math.max(1, leftMs)))
                            ? Optional.of(state.get()) : Optional.empty();
                } catch (ExecutionException | RuntimeException e) {
                    // no leader known yet (an agent just started, an election): ask again shortly
                    Thread.sleep(50);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.empty();
        }
    }

    ActionReply notCurrent() {
        return refused("the agent of node " + self + " cannot confirm that it has the current cluster state (no Raft"
                + " leader answered it within " + CATCH_UP.toSeconds() + " s): nothing was done; retry, or ask another"
                + " agent, once the Raft group has a leader");
    }

    ClusterState awaitState(Duration timeout, java.util.function.Predicate<ClusterState> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AppliedState now = hub.current();
        while (!done.test(now.state()) && System.nanoTime() < deadline) {
            try {
                hub.awaitIndex(now.index() + 1, Duration.ofMillis(200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = hub.current();
        }
        return now.state();
    }

    public ActionReply setDetached(NodeRequest r, boolean detach) {
        Optional<ClusterState> current = currentState();
        if (current.isEmpty()) {
            return notCurrent();
        }
        ClusterState s = current.get();
        Optional<String> refusal = AdminChecks.setDetached(s, r.getNodeId(), detach);
        if (refusal.isPresent()) {
            return refused(refusal.get());
        }
        Command c = base().setSetDetached(SetDetached.newBuilder().setNodeId(r.getNodeId()).setDetached(detach)
                .setReason((detach ? "detach-node" : "attach-node") + " requested by an operator")).build();
        return commit(c, timeout(r)).map(AdminActions::refused)
                .orElseGet(() -> accepted("node " + r.getNodeId() + (detach ? " detached" : " attached"),
                        state.get().getPrimary().getEpoch()));
    }

    Optional<String> commit(Command c, Duration timeout) {
        try {
            long index = raft.submit(c).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            // read your writes: the next command to this agent is checked against this one
            hub.awaitIndex(index, Duration.ofSeconds(5));
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.of("not committed within " + timeout.toSeconds() + " s: the cluster has no quorum or no leader");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (Exception e) {
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            return Optional.of(t.getMessage() != null ? t.getMessage() : t.toString());
        }
    }

    Command.Builder base() {
        return Command.newBuilder().setIssuedMs(wallMs.getAsLong()).setIssuer(self);
    }

    private static Duration timeout(NodeRequest r) {
        return r.getTimeoutMs() > 0 ? Duration.ofMillis(r.getTimeoutMs()) : DEFAULT_WAIT;
    }

    static ActionReply refused(String why) {
        return ActionReply.newBuilder().setAccepted(false).setMessage(why).build();
    }

    static ActionReply accepted(String what, long epoch) {
        return ActionReply.newBuilder().setAccepted(true).setMessage(what).setEpoch(epoch).build();
    }
}
