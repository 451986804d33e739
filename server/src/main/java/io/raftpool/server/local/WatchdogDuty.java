package io.raftpool.server.local;

import io.raftpool.proto.AgentAway;
import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.proto.FenceInfo;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.UnsafeSwitches;
import io.raftpool.server.raft.MajorityContact;
import io.raftpool.server.state.ClusterStates;
import io.raftpool.server.watchdog.FenceWatchdog;
import io.raftpool.server.watchdog.Lease;
import io.raftpool.server.watchdog.LeaseDecision;
import io.raftpool.server.watchdog.WatchdogStatus;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the watchdog process running and its lease in step with this agent's contact with the
 * majority (S6): renewed each round, before the round's action (a promotion is guarded before it
 * happens). Commits what the watchdog did, and, on a clean stop, the restart window the leader
 * then waits out.
 */
final class WatchdogDuty {
    private static final Logger LOG = LoggerFactory.getLogger(WatchdogDuty.class);
    private static final long UNGUARDED_LIMIT_NANOS = 10_000_000_000L;

    private final OwnServer own;
    private final FenceWatchdog dog;
    private final MajorityContact contact;
    private final Reports reports;
    private final long pid = ProcessHandle.current().pid();
    private final boolean unsafeOff = UnsafeSwitches.safetyDisabled();
    private long unguardedSince = -1;
    private long firingsReported;
    private boolean guard;
    private boolean closed;

    WatchdogDuty(OwnServer own, FenceWatchdog dog, MajorityContact contact, Reports reports) {
        this.own = own;
        this.dog = dog;
        this.contact = contact;
        this.reports = reports;
        this.firingsReported = dog.status().map(WatchdogStatus::firedWallMs).orElse(0L);
    }

    /** What watchdog-info and status show of this node's fence. */
    FenceInfo info() {
        long now = System.nanoTime();
        Optional<WatchdogStatus> status = dog.status();
        Lease lease = dog.current();
        return FenceInfo.newBuilder().setRunning(dog.running(now)).setArmed(lease.armed())
                .setLeaseLeftMs(lease.leftNanos(now) / 1_000_000)
                .setDevice(status.map(WatchdogStatus::device).orElse("off").replace(':', ' '))
                .setLastFiredMs(status.map(WatchdogStatus::firedWallMs).orElse(0L))
                .setKilled(status.map(WatchdogStatus::killed).orElse(0)).build();
    }

    /** Before the agent's first contact: what is left of the lease the previous agent left. */
    long inheritedLeaseLeftMs() {
        if (contact.confirmedAtNanos().isPresent()) {
            return 0;
        }
        return dog.inherited().leftNanos(System.nanoTime()) / 1_000_000;
    }

    /**
     * The round decides whether the server needs guarding (from the facts and the action about
     * to run: a promotion is guarded before it happens), and renews at once.
     */
    synchronized void renew(LocalPlanner.Facts f, LocalPlanner.Action action) {
        guard = !unsafeOff && guarded(f, action, dog.current());
        renewDeadline();
    }

    /**
     * Whether the server needs its watchdog: it runs as a primary, may (its role unknown while
     * the lease was armed), is about to, or is the committed active primary of this node. The
     * last matters right after a promotion: the probe that says "primary" comes up to a period
     * later, and a server promoted but not guarded would outlive a hung agent (S6).
     */
    static boolean guarded(LocalPlanner.Facts f, LocalPlanner.Action action, Lease current) {
        boolean roleUnknownButMaybePrimary = f.inRecovery().isEmpty() && (current.armed() || current.agentPid() == 0);
        boolean primaryNow = f.running() && (f.inRecovery().equals(Optional.of(false)) || roleUnknownButMaybePrimary);
        boolean becoming = action instanceof LocalPlanner.Promote || action instanceof LocalPlanner.PromoteWhenCaughtUp
                || action instanceof LocalPlanner.InitPrimary || action instanceof LocalPlanner.StartAsPrimary;
        boolean committedHere = f.running() && f.state().getPrimary().getNodeId() == f.self()
                && f.state().getPrimary().getPhase() == PrimaryPhase.ACTIVE;
        return primaryNow || becoming || committedHere;
    }

    /**
     * Moves the deadline with the contact, on a timer of its own: a round may take long (initdb,
     * a promotion's hook), and the lease must not run out while the agent is merely busy. A hung
     * or dead agent renews nothing, which is the point.
     */
    synchronized void renewDeadline() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        dog.ensureRunning(now);
        long firstBeat = contact.firstBeatNanos() == 0 ? now : contact.firstBeatNanos();
        dog.renew(LeaseDecision.next(dog.current(), guard, false, contact.confirmedAtNanos(), firstBeat,
                own.config().failover().fenceTimeout().toNanos(), pid));
    }

    /** Why the server must be fenced because nothing outside this agent guards it, if so. */
    Optional<String> unguarded() {
        long now = System.nanoTime();
        if (!dog.current().armed() || dog.running(now)) {
            unguardedSince = -1;
            return Optional.empty();
        }
        if (unguardedSince < 0) {
            unguardedSince = now;
        }
        return now - unguardedSince > UNGUARDED_LIMIT_NANOS
                ? Optional.of("its watchdog has not run for " + (now - unguardedSince) / 1_000_000 + " ms and cannot be"
                        + " started (see " + own.self().agentDir().resolve("watchdog/watchdog.log") + ")")
                : Optional.empty();
    }

    /**
     * Commits the watchdog's firings this agent has not reported yet, and closes a restart window
     * once back. Returns whether the watchdog fired since the last report: the server it killed is
     * then a fenced one, started again like one this agent fenced if it is still the primary.
     */
    boolean report(boolean contactFresh) {
        if (!contactFresh) {
            return false;
        }
        boolean fired = false;
        Optional<WatchdogStatus> status = dog.status();
        if (status.isPresent() && status.get().firedWallMs() > firingsReported) {
            fired = true;
            WatchdogStatus s = status.get();
            reports.submit(Command.newBuilder().setAppendEvent(AppendEvent.newBuilder().setEvent(Event.newBuilder()
                    .setKind("fence").setNodeId(own.id()).setEpoch(own.state().getPrimary().getEpoch())
                    .setMessage("node " + own.id() + "'s watchdog killed its PostgreSQL (" + s.killed() + " processes"
                            + " in all, none remains): its agent had not renewed the lease in time"))));
            firingsReported = s.firedWallMs();
        }
        // back with contact of its own, and the lease renewed from it: the window is no longer needed
        boolean windowOpen = ClusterStates.backend(own.state(), own.id()).map(b -> b.getAgentAwayMs() > 0).orElse(false);
        if (windowOpen && contact.confirmedAtNanos().isPresent()) {
            reports.submit(Command.newBuilder().setAgentAway(AgentAway.newBuilder().setNodeId(own.id()).setWindowMs(0)));
        }
        return fired;
    }

    /**
     * A clean stop: when the server is a guarded primary and contact is fresh, commits a restart
     * window and only then extends the lease by it, from a moment before the commit (the leader
     * times the window from when it sees it, later). Otherwise the lease runs out as it stands.
     */
    synchronized void leaveForRestart(Duration window) {
        closed = true;
        Lease lease = dog.current();
        long fenceMs = own.config().failover().fenceTimeout().toMillis();
        if (window.isZero() || !lease.armed() || !contact.within(fenceMs)) {
            if (lease.armed()) {
                LOG.warn("stopping without a restart window: the watchdog kills PostgreSQL when the lease runs out, in"
                        + " {} ms, unless an agent is back by then", lease.leftNanos(System.nanoTime()) / 1_000_000);
            }
            return;
        }
        long start = System.nanoTime();
        try {
            reports.submitOrThrow(Command.newBuilder().setAgentAway(AgentAway.newBuilder().setNodeId(own.id())
                    .setWindowMs(window.toMillis())));
        } catch (RuntimeException e) {
            LOG.warn("restart window not committed ({}): the watchdog kills PostgreSQL when the lease runs out", e.getMessage());
            return;
        }
        dog.renew(Lease.armedUntil(start + window.toNanos(), lease.agentPid()));
        LOG.info("restart window of {} ms committed: PostgreSQL stays up until then, fenced by the watchdog after it"
                + " unless an agent is back", window.toMillis());
    }
}
