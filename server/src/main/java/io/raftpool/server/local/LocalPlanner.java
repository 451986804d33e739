package io.raftpool.server.local;

import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Operation;
import io.raftpool.proto.Primary;
import io.raftpool.proto.Recovery;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.ClusterStates;
import java.util.Optional;

/**
 * What this agent should do to its own PostgreSQL server now, as a pure function of the
 * committed state and local facts. The safety rules come first: a primary cut off from the
 * majority is fenced (S6), a server running as primary against the committed state is stopped
 * (S2). Then the orders the state carries (promote, bootstrap, build a standby, follow the new
 * primary). The agent starts a stopped server only once, when it itself starts: a server an
 * operator stopped stays stopped until started by hand or rebuilt.
 */
public final class LocalPlanner {
    private LocalPlanner() {}

    /** What the agent knows about its own server and its place in the cluster. */
    public record Facts(
            ClusterState state,
            int self,
            boolean initialized,
            boolean running,
            Optional<Boolean> inRecovery,     // empty when the server could not be asked
            Optional<String> upstream,        // host:port this standby is configured to follow, when known
            boolean startupReconciled,        // the once-at-agent-start decision was taken
            boolean fenced,                   // this agent stopped its primary for fencing
            boolean protectedDataDir,         // standby.signal written into a failed-over primary's data dir
            long majorityContactAgeMs,        // since the agent started, when never confirmed
            boolean caughtUp,                 // this agent applied as far as the leader had at that contact
            long fenceTimeoutMs,
            boolean unresponsive,             // its processes run, yet it failed this agent's probes past the retries
            long inheritedLeaseLeftMs,        // before its first contact: what is left of the lease its watchdog kept
            boolean startedAsStandby,         // its postmaster started with standby.signal, still there: it commits nothing
            boolean paused) {                 // maintenance mode (raftpool pause) is in force

        public Facts(ClusterState state, int self, boolean initialized, boolean running, Optional<Boolean> inRecovery,
                     Optional<String> upstream, boolean startupReconciled, boolean fenced, boolean protectedDataDir,
                     long majorityContactAgeMs, boolean caughtUp, long fenceTimeoutMs, boolean unresponsive) {
            this(state, self, initialized, running, inRecovery, upstream, startupReconciled, fenced, protectedDataDir,
                    majorityContactAgeMs, caughtUp, fenceTimeoutMs, unresponsive, 0, false, false);
        }

        public Facts(ClusterState state, int self, boolean initialized, boolean running, Optional<Boolean> inRecovery,
                     Optional<String> upstream, boolean startupReconciled, boolean fenced, boolean protectedDataDir,
                     long majorityContactAgeMs, boolean caughtUp, long fenceTimeoutMs) {
            this(state, self, initialized, running, inRecovery, upstream, startupReconciled, fenced, protectedDataDir,
                    majorityContactAgeMs, caughtUp, fenceTimeoutMs, false);
        }
    }

    public sealed interface Action {}

    public record Nothing(String why) implements Action {}

    public record Fence(String why) implements Action {}

    /**
     * The committed primary's server runs but does not answer its own agent (a hung postmaster,
     * or one killed with its backends left behind): kill every process of it. Unreachable is not
     * dead: until its agent has seen it gone, the leader promotes no one (S6), and a session
     * already open to it could still commit.
     */
    public record KillUnresponsive(String why) implements Action {}

    public record StopStalePrimary(String why) implements Action {}

    public record Promote(long epoch) implements Action {}

    public record PromotionImpossible(long epoch, String why) implements Action {}

    public record InitPrimary() implements Action {}

    /** The first primary already ran when its agent started: take it over as it is. */
    public record AdoptPrimary() implements Action {}

    public record StartAsPrimary(String why) implements Action {}

    public record BuildStandby(int primary) implements Action {}

    public record StartAsStandby(int primary) implements Action {}

    public record Follow(int primary) implements Action {}

    public record ProtectDataDir(int primary) implements Action {}

    /** Rebuild this server as a standby of the current primary (a committed recovery for it). */
    public record Recover(io.raftpool.proto.Recovery recovery) implements Action {}

    /** Switchover, old primary: stop cleanly so the target receives every last byte of WAL. */
    public record DemoteForSwitchover(long epoch) implements Action {}

    /** Switchover, target: promote once received up to {@code finalLsn}. */
    public record PromoteWhenCaughtUp(long epoch, long finalLsn) implements Action {}

    /** raftpool restart-node asked, at {@code requestedMs}, for this standby's server to restart. */
    public record RestartServer(long requestedMs) implements Action {}

    /** The reconciliation at agent start found nothing to start. */
    public record StartupDone(String why) implements Action {}

    /**
     * What the agent does next. In maintenance mode a stopped server stays stopped and a primary
     * that does not answer is left alone (an operator works on it); what keeps data safe still
     * happens: fencing, stopping a stale primary, killing a hung server that may be an old primary.
     */
    public static Action plan(Facts f) {
        Action action = planIgnoringPause(f);
        if (!f.paused()) {
            return action;
        }
        boolean starts = action instanceof StartAsPrimary || action instanceof StartAsStandby
                || action instanceof BuildStandby;
        boolean killsOwnPrimary = action instanceof KillUnresponsive
                && f.state().getPrimary().getNodeId() == f.self();
        if (!starts && !killsOwnPrimary) {
            return action;
        }
        String why = "paused (maintenance mode): " + (starts ? "the server is left stopped" : "its server does not"
                + " answer, and is left to the operator");
        return f.startupReconciled() ? new Nothing(why) : new StartupDone(why);
    }

    private static Action planIgnoringPause(Facts f) {
        ClusterState s = f.state();
        // a restarted agent's server may run on the lease the previous agent left (a planned restart)
        boolean contactFresh = f.majorityContactAgeMs() < f.fenceTimeoutMs() || f.inheritedLeaseLeftMs() > 0;
        boolean actingPrimary = f.running() && f.inRecovery().map(r -> !r).orElse(false);

        if (actingPrimary && !contactFresh) {
            return new Fence("no contact with the raft majority for " + f.majorityContactAgeMs() + " ms");
        }
        if (!contactFresh || !f.caughtUp()) {
            return new Nothing("waiting for contact with the raft majority and its latest state");
        }
        if (!ClusterStates.isInitialised(s)) {
            return new Nothing("the cluster is not initialised yet");
        }
        Optional<Backend> me = ClusterStates.backend(s, f.self());
        if (me.isEmpty()) {
            return new Nothing("this node has no backend in the committed state");
        }
        Primary p = s.getPrimary();
        boolean iAmPrimary = p.getNodeId() == f.self();
        Operation op = s.getOperation();
        boolean switchover = op.getKind() == Operation.Kind.SWITCHOVER && p.getPhase() == PrimaryPhase.PROMOTING
                && op.getEpoch() == p.getEpoch();

        if (iAmPrimary && p.getPhase() == PrimaryPhase.ACTIVE && f.running() && f.unresponsive()) {
            return new KillUnresponsive("this node is the primary of epoch " + p.getEpoch()
                    + " and its server runs but does not answer");
        }
        if (!iAmPrimary && f.running() && f.unresponsive() && !f.startedAsStandby()) {
            return new KillUnresponsive("its server runs but does not answer, and may be an old primary (it did not"
                    + " start as a standby); the primary is " + (p.getNodeId() < 0 ? "nobody" : "node " + p.getNodeId())
                    + " at epoch " + p.getEpoch());
        }
        if (switchover && op.getOldPrimary() == f.self() && op.getFinalLsn() == 0) {
            return new DemoteForSwitchover(p.getEpoch());
        }
        if (actingPrimary && !(iAmPrimary && p.getPhase() != PrimaryPhase.PHASE_NONE)) {
            return new StopStalePrimary("running as primary, but the committed primary is "
                    + (p.getNodeId() < 0 ? "nobody" : "node " + p.getNodeId()) + " at epoch " + p.getEpoch());
        }
        if (iAmPrimary && p.getPhase() == PrimaryPhase.PROMOTING) {
            if (!f.running()) {
                return new PromotionImpossible(p.getEpoch(), "PostgreSQL is not running on node " + f.self());
            }
            if (switchover) {
                return op.getFinalLsn() == 0 ? new Nothing("switchover: waiting for the old primary to stop")
                        : new PromoteWhenCaughtUp(p.getEpoch(), op.getFinalLsn());
            }
            return new Promote(p.getEpoch());
        }
        Optional<Recovery> recovery = s.getRecoveriesList().stream().filter(r -> r.getNodeId() == f.self()).findFirst();
        if (recovery.isPresent()) {
            return recovery.get().getEpoch() == p.getEpoch() && p.getPhase() == PrimaryPhase.ACTIVE
                    ? new Recover(recovery.get()) : new Nothing("recovery against an older primary; it will be voided");
        }
        if (me.get().getRestartRequestedMs() > 0 && f.startupReconciled()) {
            return new RestartServer(me.get().getRestartRequestedMs());
        }
        if (iAmPrimary && p.getPhase() == PrimaryPhase.BOOTSTRAPPING) {
            if (f.initialized() && f.running()) {
                // running before this agent started: a server raftpool adopts (or its own, restarted)
                return f.startupReconciled() ? new Nothing("bootstrapped; waiting for the first report")
                        : new AdoptPrimary();
            }
            return new InitPrimary();
        }
        if (iAmPrimary && p.getPhase() == PrimaryPhase.ACTIVE && !f.running() && f.initialized()
                && (f.fenced() || !f.startupReconciled())) {
            return new StartAsPrimary(f.fenced() ? "contact with the majority is back and this node is still the"
                    + " primary of epoch " + p.getEpoch() : "the agent started and this node is the primary of epoch "
                    + p.getEpoch());
        }
        if (iAmPrimary) {
            return f.startupReconciled() ? new Nothing("primary") : new StartupDone("this node is the primary");
        }
        if (p.getPhase() != PrimaryPhase.ACTIVE) {
            return new Nothing("no active primary to follow yet");
        }
        Backend b = me.get();
        if (!f.initialized()) {
            return b.getNeedsRecovery() ? new Nothing("no data directory; waiting for recovery-node")
                    : new BuildStandby(p.getNodeId());
        }
        if (b.getNeedsRecovery() && !f.running() && !f.protectedDataDir()) {
            return new ProtectDataDir(p.getNodeId());
        }
        if (!f.running() && b.getRejoin() && !b.getNeedsRecovery()) {
            return new StartAsStandby(p.getNodeId());
        }
        if (!f.running()) {
            if (!f.startupReconciled()) {
                return b.getNeedsRecovery() ? new StartupDone("needs recovery: left stopped")
                        : new StartAsStandby(p.getNodeId());
            }
            return new Nothing("stopped; an operator starts it, or recovery-node rebuilds it");
        }
        if (!f.startupReconciled()) {
            return new StartupDone("already running");
        }
        String primaryAddress = primaryAddress(s);
        if (f.inRecovery().orElse(false) && !b.getNeedsRecovery()
                && f.upstream().map(u -> !u.equals(primaryAddress)).orElse(true)) {
            return new Follow(p.getNodeId());
        }
        return new Nothing("standby");
    }

    public static String primaryAddress(ClusterState s) {
        return ClusterStates.node(s, s.getPrimary().getNodeId())
                .map(n -> n.getHost() + ":" + n.getPgPort()).orElse("");
    }
}
