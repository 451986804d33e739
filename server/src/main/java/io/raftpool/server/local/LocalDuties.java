package io.raftpool.server.local;

import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.ClusterState;
import io.raftpool.server.health.HealthMonitor;
import io.raftpool.server.hooks.HookRunner;
import io.raftpool.server.health.ObserverView;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.ServerProcesses;
import io.raftpool.server.raft.AppliedState;
import io.raftpool.server.raft.MajorityContact;
import io.raftpool.server.raft.RaftNode;
import io.raftpool.server.raft.StateHub;
import io.raftpool.server.state.MaintenanceMode;
import io.raftpool.server.time.Clocks;
import io.raftpool.server.watchdog.FenceWatchdog;
import io.raftpool.server.watchdog.StandbyMark;
import io.raftpool.server.watchdog.WatchdogFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's hands on its own PostgreSQL server: a loop that gathers local facts, asks
 * {@link LocalPlanner} what to do, and hands the answer to the duty that does it (one class
 * each: {@link Fencing}, {@link StalePrimaryGuard}, {@link Promotion}, {@link SwitchoverDemotion},
 * {@link ServerStart}, {@link StandbyBuild}, {@link Following}, {@link NodeRecovery}, {@link ServerRestart}); it keeps
 * the settings kept in the log applied ({@link ParameterDuty}), and the primary's
 * {@link SyncStandbyNames} and {@link PeerSlots} in line. A duty with no state
 * of its own is a record of what it works with. Every action is idempotent, so a crash at any
 * line is repaired by the next round (or the next agent start).
 */
public final class LocalDuties implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalDuties.class);

    private final OwnServer own;
    private final MajorityContact contact;
    private final HealthMonitor health;
    private final LocalMemory memory = new LocalMemory();
    private final LocalHooks hooks;
    private final SyncStandbyNames sync;
    private final PeerSlots slots;
    private final ServerProcesses processes;
    private final Fencing fencing;
    private final StalePrimaryGuard guard;
    private final Promotion promotion;
    private final SwitchoverDemotion demotion;
    private final ServerStart serverStart;
    private final StandbyBuild standbyBuild;
    private final Following following;
    private final NodeRecovery recovery;
    private final WatchdogDuty watchdog;
    private final ParameterDuty parameters;
    private final ServerRestart restart;
    private final BackupDuty backups;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(daemon("local-duties"));
    private final ScheduledExecutorService leaseTimer = Executors.newSingleThreadScheduledExecutor(daemon("watchdog-lease"));
    private final AtomicBoolean queued = new AtomicBoolean();
    private String lastNothing = "";

    public LocalDuties(ClusterConfig config, int self, PostgresServer pg, RaftNode raft, StateHub hub,
                       MajorityContact contact, HealthMonitor health, Clocks clocks, Optional<Path> device,
                       long deviceTimeoutMs) {
        this.own = new OwnServer(config, config.requireNode(self), pg, hub, clocks);
        this.contact = contact;
        this.health = health;
        Reports reports = new Reports(own, raft);
        this.hooks = new LocalHooks(own, reports, new HookRunner(config.hooks()),
                Executors.newSingleThreadExecutor(daemon("hooks")));
        this.sync = new SyncStandbyNames(own);
        this.slots = new PeerSlots(own);
        this.processes = new ServerProcesses(pg.settings().dataDir());
        this.fencing = new Fencing(own, memory, processes, reports);
        this.guard = new StalePrimaryGuard(own, memory);
        this.promotion = new Promotion(own, memory, reports, hooks, sync, slots);
        this.demotion = new SwitchoverDemotion(own, reports);
        this.serverStart = new ServerStart(own, memory, slots, reports);
        this.standbyBuild = new StandbyBuild(own, memory);
        this.following = new Following(own, hooks);
        this.recovery = new NodeRecovery(own, memory, reports, hooks);
        this.parameters = new ParameterDuty(own, reports);
        this.restart = new ServerRestart(own, parameters, reports);
        this.backups = new BackupDuty(own, reports);
        this.watchdog = new WatchdogDuty(own, new FenceWatchdog(WatchdogFiles.under(config.requireNode(self).agentDir()),
                pg.settings().dataDir(), device, deviceTimeoutMs, config.failover().fenceGrace().toMillis()),
                contact, reports);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::round, 100, 100, TimeUnit.MILLISECONDS);
        leaseTimer.scheduleWithFixedDelay(this::renewLease, 100, 100, TimeUnit.MILLISECONDS);
    }

    public void nudge() {
        if (queued.compareAndSet(false, true)) {
            try {
                loop.execute(() -> {
                    queued.set(false);
                    round();
                });
            } catch (RejectedExecutionException shuttingDown) {
                queued.set(false); // the agent is closing; Ratis may still apply an entry
            }
        }
    }

    private void round() {
        try {
            LocalPlanner.Facts facts = facts();
            LocalPlanner.Action action = LocalPlanner.plan(facts);
            watchdog.renew(facts, action);
            Optional<String> unguarded = watchdog.unguarded();
            if (unguarded.isPresent() && !(action instanceof LocalPlanner.KillUnresponsive)) {
                action = new LocalPlanner.Fence(unguarded.get());
            }
            boolean safety = action instanceof LocalPlanner.Fence || action instanceof LocalPlanner.KillUnresponsive
                    || action instanceof LocalPlanner.StopStalePrimary;
            if (!safety && memory.backingOff(own.clocks().monoMs())) {
                return;
            }
            if (facts.caughtUp()) {
                parameters.reconcile(facts.state(), facts.running());
                backups.reconcile(facts.state(), facts.running());
            }
            act(action, facts.running());
            if (watchdog.report(facts.majorityContactAgeMs() < facts.fenceTimeoutMs())) {
                // its lease ran out while this agent ran (a stall, a slow majority): fenced, not stopped
                // by an operator, so it is started again while it is still the primary (RestartPrimary, S6)
                memory.fenced = true;
            }
            sync.reconcile();
            slots.dropThoseOfRemovedNodes();
        } catch (RuntimeException e) {
            memory.backOff(own.clocks().monoMs());
            LOG.warn("local action failed, retrying in {} ms: {}", LocalMemory.BACKOFF_MS, e.getMessage());
        }
    }

    private void renewLease() {
        try {
            watchdog.renewDeadline();
        } catch (RuntimeException e) {
            LOG.warn("cannot renew the watchdog's lease: {}", e.getMessage());
        }
    }

    private LocalPlanner.Facts facts() {
        AppliedState applied = own.hub().current();
        long age = contact.ageOrSinceFirstBeatMs();
        boolean running = processes.anyRunning(); // a killed postmaster's backends still count
        Optional<ObserverView> view = health.view(own.id());
        boolean unresponsive = running && view.map(ObserverView::unanswering).orElse(false);
        Optional<Boolean> inRecovery = view.map(ObserverView::role).flatMap(r -> r == BackendRole.STANDBY
                ? Optional.of(true) : r == BackendRole.PRIMARY ? Optional.of(false) : Optional.empty());
        Optional<String> upstream = own.pg().standbySource().map(s -> s.host() + ":" + s.port());
        boolean initialized = own.pg().isInitialized() && !standbyBuild.unfinished();
        // Caught up only once a heartbeat told how far the leader is: a restarted agent replays its
        // log first, and must not act on a state from the middle of it (an old recovery of itself).
        boolean caughtUp = contact.ageMs() >= 0 && applied.index() >= contact.leaderAppliedIndex();
        return new LocalPlanner.Facts(applied.state(), own.id(), initialized, running, inRecovery, upstream,
                memory.startupReconciled, memory.fenced, memory.protectedDataDir, age, caughtUp,
                own.config().failover().fenceTimeout().toMillis(), unresponsive, watchdog.inheritedLeaseLeftMs(),
                unresponsive && StandbyMark.startedAsStandby(own.pg().settings().dataDir()),
                MaintenanceMode.pausedAt(applied.state(), own.clocks().wallMs()));
    }

    private void act(LocalPlanner.Action action, boolean running) {
        ClusterState s = own.state();
        if (action instanceof LocalPlanner.Nothing n) {
            if (!n.why().equals(lastNothing)) {
                LOG.debug("nothing to do: {}", n.why());
                lastNothing = n.why();
            }
        } else if (action instanceof LocalPlanner.Fence f) {
            fencing.fence(f.why());
        } else if (action instanceof LocalPlanner.KillUnresponsive k) {
            fencing.killUnresponsive(k.why(), health.view(own.id()).orElse(ObserverView.INITIAL), s.getPrimary().getEpoch());
        } else if (action instanceof LocalPlanner.StopStalePrimary st) {
            guard.stop(s, st.why());
        } else if (action instanceof LocalPlanner.Promote p) {
            promotion.promote(s, p.epoch());
        } else if (action instanceof LocalPlanner.PromotionImpossible p) {
            promotion.failed(p.epoch(), p.why());
        } else if (action instanceof LocalPlanner.InitPrimary) {
            serverStart.initPrimary(s);
        } else if (action instanceof LocalPlanner.AdoptPrimary) {
            serverStart.adoptPrimary(s);
        } else if (action instanceof LocalPlanner.StartAsPrimary sp) {
            // its "not running" until now must not reach the leader once the restart is committed (S6)
            health.holdOwnReports(true);
            try {
                serverStart.asPrimary(s, sp.why());
            } finally {
                health.holdOwnReports(false);
            }
        } else if (action instanceof LocalPlanner.BuildStandby b) {
            standbyBuild.build(s, b.primary());
        } else if (action instanceof LocalPlanner.StartAsStandby sb) {
            serverStart.asStandby(s, sb.primary());
        } else if (action instanceof LocalPlanner.Follow fo) {
            following.follow(s, fo.primary());
        } else if (action instanceof LocalPlanner.ProtectDataDir) {
            guard.protect(s);
        } else if (action instanceof LocalPlanner.Recover r) {
            recovery.run(r.recovery());
        } else if (action instanceof LocalPlanner.DemoteForSwitchover d) {
            demotion.demote(d.epoch());
        } else if (action instanceof LocalPlanner.PromoteWhenCaughtUp p) {
            promotion.promoteWhenCaughtUp(s, p.epoch(), p.finalLsn());
        } else if (action instanceof LocalPlanner.RestartServer r) {
            restart.restart(s, r.requestedMs(), running);
        } else if (action instanceof LocalPlanner.StartupDone sd) {
            serverStart.nothingToStart(sd.why());
        } else {
            throw new IllegalStateException("unhandled local action " + action);
        }
    }

    /** Whether the once-at-agent-start decision about the server was taken (raft-info). */
    public boolean startupReconciled() {
        return memory.startupReconciled;
    }

    /** This node's watchdog, as watchdog-info shows it. */
    public io.raftpool.proto.FenceInfo fenceInfo() {
        return watchdog.info();
    }

    /**
     * Stops the loop; then, for a primary, commits the restart window and extends the watchdog's
     * lease by it (zero: none), so that a planned restart of this agent causes no failover.
     */
    public void close(Duration restartWindow) {
        loop.shutdownNow();
        leaseTimer.shutdownNow();
        try {
            if (!loop.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("a local action is still running; the restart window is not opened");
                restartWindow = Duration.ZERO;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            restartWindow = Duration.ZERO;
        }
        watchdog.leaveForRestart(restartWindow);
        hooks.close();
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
