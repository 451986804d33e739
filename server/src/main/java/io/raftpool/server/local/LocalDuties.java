package io.raftpool.server.local;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.Backend;
import io.raftpool.proto.Event;
import io.raftpool.server.hooks.HookRunner;
import io.raftpool.server.hooks.HookValues;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.PromotionDone;
import io.raftpool.proto.PromotionFailed;
import io.raftpool.proto.Recovery;
import io.raftpool.proto.RecoveryDone;
import io.raftpool.proto.RecoveryFailed;
import io.raftpool.proto.RecoveryStep;
import io.raftpool.proto.SwitchoverDemoted;
import io.raftpool.server.time.Clocks;
import io.raftpool.server.raft.MajorityContact;
import io.raftpool.server.raft.StateHub;
import io.raftpool.server.health.HealthMonitor;
import io.raftpool.server.health.ObserverView;
import io.raftpool.server.postgres.ControlData;
import io.raftpool.server.postgres.CopyProgress;
import io.raftpool.server.postgres.Divergence;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.ProbeResult;
import io.raftpool.server.postgres.SlotNames;
import io.raftpool.server.postgres.StopMode;
import io.raftpool.server.raft.AppliedState;
import io.raftpool.server.raft.RaftNode;
import io.raftpool.server.state.ClusterStates;
import io.raftpool.config.ReplicationSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's hands on its own PostgreSQL server: a loop that gathers local facts, asks
 * {@link LocalPlanner} what to do, and does it through the one process runner. Every action is
 * idempotent, so a crash at any line is repaired by the next round (or the next agent start).
 */
public final class LocalDuties implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalDuties.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final long BACKOFF_MS = 3000;

    private final ClusterConfig config;
    private final NodeConfig self;
    private final PostgresServer pg;
    private final RaftNode raft;
    private final StateHub hub;
    private final MajorityContact contact;
    private final HealthMonitor health;
    private final Clocks clocks;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-duties");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private final HookRunner hooks;
    private final ExecutorService hookThreads = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hooks");
        t.setDaemon(true);
        return t;
    });
    private boolean startupReconciled;
    private boolean fenced;
    private boolean protectedDataDir;
    private String appliedSyncSetting;
    private java.util.Set<String> knownBackendNames;
    private final java.util.Set<String> slotsToDrop = new java.util.HashSet<>();
    private long backoffUntilMs;
    private String lastNothing = "";

    public LocalDuties(ClusterConfig config, int self, PostgresServer pg, RaftNode raft, StateHub hub,
                       MajorityContact contact, HealthMonitor health, Clocks clocks) {
        this.config = config;
        this.self = config.requireNode(self);
        this.pg = pg;
        this.raft = raft;
        this.hub = hub;
        this.contact = contact;
        this.health = health;
        this.clocks = clocks;
        this.hooks = new HookRunner(config.hooks());
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::round, 100, 100, TimeUnit.MILLISECONDS);
    }

    public void nudge() {
        if (queued.compareAndSet(false, true)) {
            try {
                loop.execute(() -> {
                    queued.set(false);
                    round();
                });
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                queued.set(false); // the agent is closing; Ratis may still apply an entry
            }
        }
    }

    private void round() {
        try {
            LocalPlanner.Action action = LocalPlanner.plan(facts());
            boolean safety = action instanceof LocalPlanner.Fence || action instanceof LocalPlanner.StopStalePrimary;
            if (!safety && clocks.monoMs() < backoffUntilMs) {
                return;
            }
            act(action);
            reconcileSyncSetting();
            dropSlotsOfRemovedNodes();
        } catch (RuntimeException e) {
            backoffUntilMs = clocks.monoMs() + BACKOFF_MS;
            LOG.warn("local action failed, retrying in {} ms: {}", BACKOFF_MS, e.getMessage());
        }
    }

    private LocalPlanner.Facts facts() {
        AppliedState applied = hub.current();
        long age = contact.ageOrSinceFirstBeatMs();
        boolean running = pg.isRunning();
        Optional<ObserverView> view = health.view(self.id());
        Optional<Boolean> inRecovery = view.map(ObserverView::role).flatMap(r -> r == BackendRole.STANDBY
                ? Optional.of(true) : r == BackendRole.PRIMARY ? Optional.of(false) : Optional.empty());
        Optional<String> upstream = pg.standbySource().map(s -> s.host() + ":" + s.port());
        boolean initialized = pg.isInitialized() && !java.nio.file.Files.exists(buildingMarker());
        // Caught up only once a heartbeat told how far the leader is: a restarted agent replays its
        // log first, and must not act on a state from the middle of it (an old recovery of itself).
        boolean caughtUp = contact.ageMs() >= 0 && applied.index() >= contact.leaderAppliedIndex();
        return new LocalPlanner.Facts(applied.state(), self.id(), initialized, running, inRecovery, upstream,
                startupReconciled, fenced, protectedDataDir, age, caughtUp,
                config.failover().fenceTimeout().toMillis());
    }

    private void act(LocalPlanner.Action action) {
        ClusterState s = hub.current().state();
        if (action instanceof LocalPlanner.Nothing n) {
            if (!n.why().equals(lastNothing)) {
                LOG.debug("nothing to do: {}", n.why());
                lastNothing = n.why();
            }
        } else if (action instanceof LocalPlanner.Fence f) {
            if (confirmedStandby()) {
                return;
            }
            LOG.warn("FENCING: stopping this primary so that it takes no more writes: {}", f.why());
            pg.stop(StopMode.IMMEDIATE, STOP_TIMEOUT);
            fenced = true;
        } else if (action instanceof LocalPlanner.StopStalePrimary st) {
            if (!confirmedPrimary()) {
                return;
            }
            LOG.warn("stopping PostgreSQL: {}; it must not take writes (it needs recovery-node)", st.why());
            pg.stop(StopMode.IMMEDIATE, STOP_TIMEOUT);
            protect(s);
        } else if (action instanceof LocalPlanner.Promote p) {
            promote(s, p.epoch());
        } else if (action instanceof LocalPlanner.PromotionImpossible p) {
            reportPromotionFailed(p.epoch(), p.why());
        } else if (action instanceof LocalPlanner.InitPrimary) {
            LOG.info("bootstrapping the first primary in {}", self.requirePostgres().dataDir());
            pg.initPrimary(START_TIMEOUT);
            ensureSlots(s);
            startupReconciled = true;
        } else if (action instanceof LocalPlanner.StartAsPrimary sp) {
            LOG.info("starting PostgreSQL as primary: {}", sp.why());
            pg.configureAsPrimary();
            pg.start(START_TIMEOUT);
            ensureSlots(s);
            fenced = false;
            startupReconciled = true;
        } else if (action instanceof LocalPlanner.BuildStandby b) {
            buildStandby(s, b.primary());
        } else if (action instanceof LocalPlanner.StartAsStandby sb) {
            NodeInfo primary = node(s, sb.primary());
            LOG.info("starting PostgreSQL as a standby of node {} ({}:{})", primary.getId(), primary.getHost(),
                    primary.getPgPort());
            pg.configureAsStandby(primary.getHost(), primary.getPgPort(), slot());
            startupReconciled = true;
            pg.start(START_TIMEOUT);
        } else if (action instanceof LocalPlanner.Follow fo) {
            NodeInfo primary = node(s, fo.primary());
            boolean hadUpstream = pg.standbySource().isPresent();
            LOG.info("following the new primary, node {} ({}:{})", primary.getId(), primary.getHost(), primary.getPgPort());
            pg.configureAsStandby(primary.getHost(), primary.getPgPort(), slot());
            if (hadUpstream) {
                int old = s.hasOperation() ? s.getOperation().getOldPrimary() : -1;
                runHookInBackground(HookRunner.Hook.FOLLOW_PRIMARY,
                        HookValues.of(s, self.id(), old, fo.primary(), s.getPrimary().getEpoch()));
            }
        } else if (action instanceof LocalPlanner.ProtectDataDir) {
            protect(s);
        } else if (action instanceof LocalPlanner.Recover r) {
            new RecoveryRun(r.recovery()).run();
        } else if (action instanceof LocalPlanner.DemoteForSwitchover d) {
            demoteForSwitchover(d.epoch());
        } else if (action instanceof LocalPlanner.PromoteWhenCaughtUp p) {
            ProbeResult now = pg.probe(config.healthCheck().timeout());
            if (now.reachable() && now.inRecovery() && now.walLsn() >= p.finalLsn()) {
                LOG.info("switchover: received WAL up to {} (old primary stopped at {}); promoting", now.walLsn(), p.finalLsn());
                promote(s, p.epoch());
            }
        } else if (action instanceof LocalPlanner.StartupDone sd) {
            LOG.info("agent start: {}", sd.why());
            startupReconciled = true;
        } else {
            throw new IllegalStateException("unhandled local action " + action);
        }
    }

    /**
     * On the primary: the slot of a node that left the cluster would hold WAL for nobody (up to
     * max_slot_wal_keep_size), so it goes. Only slots named after nodes this agent saw leave.
     */
    private void dropSlotsOfRemovedNodes() {
        ClusterState s = hub.current().state();
        java.util.Set<String> now = new java.util.HashSet<>();
        for (Backend b : s.getBackendsList()) {
            ClusterStates.node(s, b.getNodeId()).ifPresent(n -> now.add(n.getName()));
        }
        if (knownBackendNames != null) {
            for (String name : knownBackendNames) {
                if (!now.contains(name)) {
                    slotsToDrop.add(name);
                }
            }
        }
        if (!now.isEmpty()) {
            knownBackendNames = now;
        }
        slotsToDrop.removeAll(now); // a node that came back keeps its slot
        if (slotsToDrop.isEmpty() || s.getPrimary().getNodeId() != self.id() || !pg.isRunning()) {
            return;
        }
        for (String gone : java.util.List.copyOf(slotsToDrop)) {
            try {
                pg.dropSlot(SlotNames.forNode(gone));
                slotsToDrop.remove(gone);
                LOG.info("dropped the replication slot of node {}, which left the cluster", gone);
            } catch (RuntimeException e) {
                // still streaming through it (its server not stopped yet): tried again next round
                LOG.debug("replication slot of {} not dropped yet: {}", gone, e.getMessage());
            }
        }
    }

    /**
     * Sync mode, on the primary: synchronous_standby_names follows the committed target (S3:
     * the leader commits a standby as synchronous only after this server reports it so).
     */
    private void reconcileSyncSetting() {
        ClusterState s = hub.current().state();
        Optional<String> wanted = SyncSetting.forPrimary(s, self.id(),
                config.replication().syncPolicy() == ReplicationSettings.SyncPolicy.STRICT);
        if (wanted.isEmpty() || wanted.get().equals(appliedSyncSetting) || !pg.isRunning()) {
            return;
        }
        applySyncSetting(wanted.get());
    }

    private void applySyncSetting(String value) {
        try (Connection c = pg.connect(config.healthCheck().timeout()); Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET synchronous_standby_names = '" + value.replace("'", "''") + "'");
            st.execute("SELECT pg_reload_conf()");
            appliedSyncSetting = value;
            LOG.info("sync: synchronous_standby_names = '{}'", value);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set synchronous_standby_names: " + e.getMessage(), e);
        }
    }

    /**
     * The old primary of a switchover stops cleanly (fast shutdown: sessions are ended, and its
     * WAL senders ship everything up to the shutdown checkpoint before it exits), then tells
     * where its WAL ends. Its data directory is pointed at the new primary, to rejoin as its
     * standby once the promotion is done.
     */
    private void demoteForSwitchover(long epoch) {
        ClusterState s = hub.current().state();
        long started = clocks.monoMs();
        pg.stop(StopMode.FAST, STOP_TIMEOUT);
        ControlData control = pg.controlData();
        if (!control.cleanlyShutDown()) {
            LOG.warn("switchover: this server was not shut down cleanly ({}); the target may miss its last transactions",
                    control.clusterState());
        }
        NodeInfo target = node(s, s.getOperation().getTarget());
        pg.configureAsStandby(target.getHost(), target.getPgPort(), slot());
        LOG.info("switchover: stopped in {} ms at WAL {}; node {} promotes once it has that much", clocks.monoMs() - started,
                control.checkpointLsn(), target.getId());
        submit(Command.newBuilder().setSwitchoverDemoted(SwitchoverDemoted.newBuilder().setEpoch(epoch)
                .setNodeId(self.id()).setFinalLsn(control.checkpointLsn())));
    }

    /**
     * One run of a committed recovery of this server: stop it, pg_rewind from the primary (fast
     * path), else move the data directory aside and pg_basebackup; start as a standby; wait until
     * it streams; commit the outcome. Each phase is committed as it starts. If the recovery is
     * voided meanwhile (a new epoch), it stops; if this agent dies, the next one starts over.
     */
    private final class RecoveryRun {
        private final Recovery recovery;
        private final long startedMs = clocks.monoMs();
        private final StringBuilder phaseTimes = new StringBuilder();
        private String phase = "";
        private long phaseStartedMs = startedMs;
        private long lastProgressMs;

        RecoveryRun(Recovery recovery) {
            this.recovery = recovery;
        }

        void run() {
            ClusterState s = hub.current().state();
            NodeInfo source = node(s, recovery.getSource());
            Map<String, String> hookValues = HookValues.of(s, self.id(), -1, source.getId(), recovery.getEpoch());
            try {
                hooks.run(HookRunner.Hook.BEFORE_RECOVERY, hookValues).ifPresent(LocalDuties.this::recordHook);
                step("stopping", "", "");
                pg.stop(StopMode.FAST, STOP_TIMEOUT);
                String method = rewindOrCopy(source);
                step("starting", "", method);
                pg.start(START_TIMEOUT);
                step("catching up", "", method);
                awaitStreaming();
                int timeline = pg.timeline(config.healthCheck().timeout());
                removeAsideDirs();
                long took = clocks.monoMs() - startedMs;
                endPhase();
                submitOrThrow(Command.newBuilder().setRecoveryDone(RecoveryDone.newBuilder().setNodeId(self.id())
                        .setEpoch(recovery.getEpoch()).setMethod(method).setDurationMs(took).setTimeline(timeline)
                        .setPhases(phaseTimes.toString())));
                LOG.info("recovery done with {} in {} ms ({}): streaming from node {}", method, took, phaseTimes,
                        source.getId());
                protectedDataDir = false;
                startupReconciled = true;
                runHookInBackground(HookRunner.Hook.AFTER_RECOVERY, hookValues);
            } catch (Voided v) {
                LOG.info("recovery stopped: {}", v.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("recovery failed: {}", e.getMessage());
                submit(Command.newBuilder().setRecoveryFailed(RecoveryFailed.newBuilder().setNodeId(self.id())
                        .setEpoch(recovery.getEpoch()).setReason(e.getMessage() == null ? e.toString() : e.getMessage())));
                backoffUntilMs = clocks.monoMs() + BACKOFF_MS;
            }
        }

        private String rewindOrCopy(NodeInfo source) {
            if (pg.isInitialized()) {
                try {
                    Divergence d = pg.divergenceFrom(source.getHost(), source.getPgPort());
                    if (!d.diverged()) {
                        LOG.info("recovery of node {}: no rewind needed, {}", self.id(), d.why());
                        pg.followWithoutRewind(source.getHost(), source.getPgPort(), slot());
                        return "timeline switch (no rewind needed)";
                    }
                    LOG.info("recovery of node {}: rewind needed, {}", self.id(), d.why());
                } catch (RuntimeException e) {
                    LOG.info("recovery of node {}: cannot tell whether its WAL diverged, rewinding: {}", self.id(),
                            e.getMessage());
                }
                step("rewinding", "", "pg_rewind");
                try {
                    // pg_rewind first finishes crash recovery in single-user mode, which refuses a
                    // data directory set up as a standby; the rewind writes the standby set-up again.
                    pg.configureAsPrimary();
                    pg.rewindFrom(source.getHost(), source.getPgPort(), slot(), false, this::progress);
                    return "pg_rewind";
                } catch (RuntimeException e) {
                    LOG.warn("pg_rewind from node {} failed, copying with pg_basebackup instead: {}", source.getId(),
                            e.getMessage());
                }
                pg.moveDataDirAside().ifPresent(aside -> {
                    asideDir = aside;
                    LOG.info("old data directory kept at {} until the rebuilt standby is up", aside);
                });
            }
            step("basebackup", "", "pg_basebackup");
            pg.baseBackupFrom(source.getHost(), source.getPgPort(), slot(), this::progress);
            return "pg_basebackup";
        }

        private void progress(CopyProgress p) {
            long now = clocks.monoMs();
            if (now - lastProgressMs >= 1000) {
                lastProgressMs = now;
                String text = p.percent() + "% (" + p.doneKb() / 1024 + " of " + p.totalKb() / 1024 + " MB)";
                LOG.info("recovery of node {}: {}", self.id(), text);
                // runs on the copy's output thread: report, never throw
                hub.current().state().getRecoveriesList().stream()
                        .filter(r -> r.getNodeId() == self.id() && r.getEpoch() == recovery.getEpoch()).findFirst()
                        .ifPresent(current -> submit(Command.newBuilder().setRecoveryStep(RecoveryStep.newBuilder()
                                .setNodeId(self.id()).setEpoch(recovery.getEpoch()).setPhase(current.getPhase())
                                .setProgress(text).setMethod(current.getMethod()))));
            }
        }

        private void awaitStreaming() {
            long deadline = clocks.monoMs() + START_TIMEOUT.toMillis();
            while (clocks.monoMs() < deadline) {
                current();
                ProbeResult r = pg.probe(config.healthCheck().timeout());
                if (r.streaming()) {
                    return;
                }
                pause(25); // a local probe; the node counts as up the moment it streams
            }
            throw new IllegalStateException("the rebuilt standby does not stream after " + START_TIMEOUT.toSeconds()
                    + " s; see its log " + pg.settings().logFile());
        }

        private void step(String phase, String progress, String method) {
            current();
            endPhase();
            this.phase = phase;
            LOG.info("recovery of node {}: {}", self.id(), phase);
            submitOrThrow(Command.newBuilder().setRecoveryStep(RecoveryStep.newBuilder().setNodeId(self.id())
                    .setEpoch(recovery.getEpoch()).setPhase(phase).setProgress(progress).setMethod(method)));
        }

        /** Adds the phase that just ended to the per-phase times the final log line shows. */
        private void endPhase() {
            long now = clocks.monoMs();
            if (!phase.isEmpty()) {
                phaseTimes.append(phaseTimes.isEmpty() ? "" : ", ").append(phase).append(' ').append(now - phaseStartedMs)
                        .append(" ms");
            }
            phaseStartedMs = now;
        }

        /** The committed recovery, or {@link Voided} when it is gone or against another primary. */
        private Recovery current() {
            ClusterState s = hub.current().state();
            return s.getRecoveriesList().stream()
                    .filter(r -> r.getNodeId() == self.id() && r.getEpoch() == recovery.getEpoch()).findFirst()
                    .orElseThrow(() -> new Voided("the recovery of epoch " + recovery.getEpoch() + " is no longer committed"));
        }
    }

    /** The recovery this run works on was voided or finished by someone else. */
    private static final class Voided extends RuntimeException {
        Voided(String why) {
            super(why);
        }
    }

    private Path asideDir;

    private void removeAsideDirs() {
        if (asideDir != null) {
            try {
                pg.removeDir(asideDir);
                LOG.info("removed the old data directory {}", asideDir);
            } catch (RuntimeException e) {
                LOG.warn("cannot remove the old data directory {}: {}", asideDir, e.getMessage());
            }
            asideDir = null;
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The planner works from the latest probe, which may predate a restart: before stopping a
     * server for being a primary, ask it now. One still starting up takes no writes either.
     */
    private boolean confirmedPrimary() {
        ProbeResult now = pg.probe(config.healthCheck().timeout());
        return now.reachable() && !now.inRecovery();
    }

    /** Before fencing: a server that answers as a standby takes no writes. Unreachable counts as primary. */
    private boolean confirmedStandby() {
        ProbeResult now = pg.probe(config.healthCheck().timeout());
        return now.reachable() && now.inRecovery();
    }

    private void promote(ClusterState s, long epoch) {
        int oldPrimary = s.hasOperation() ? s.getOperation().getOldPrimary() : -1;
        Map<String, String> hookValues = HookValues.of(s, self.id(), oldPrimary, self.id(), epoch);
        Optional<HookRunner.Outcome> before = hooks.run(HookRunner.Hook.BEFORE_PROMOTE, hookValues);
        before.ifPresent(this::recordHook);
        if (before.isPresent() && !before.get().succeeded() && config.hooks().beforePromoteMustSucceed()) {
            reportPromotionFailed(epoch, before.get().describe() + " (hooks.before_promote_must_succeed is on)");
            return;
        }
        LOG.info("promoting this server at epoch {}", epoch);
        Duration took;
        int timeline;
        try {
            took = pg.promote(config.failover().promoteTimeout());
            // A copied postgresql.auto.conf may name this very server as the standby to wait for.
            SyncSetting.forPromoted(s, config.replication().syncPolicy() == ReplicationSettings.SyncPolicy.STRICT)
                    .ifPresent(this::applySyncSetting);
            timeline = pg.timeline(config.healthCheck().timeout());
        } catch (RuntimeException e) {
            reportPromotionFailed(epoch, e.getMessage());
            return;
        }
        submit(Command.newBuilder().setPromotionDone(PromotionDone.newBuilder().setEpoch(epoch).setNodeId(self.id())
                .setTimeline(timeline).setPromoteMs(took.toMillis())));
        LOG.info("promoted at epoch {} in {} ms, timeline {}", epoch, took.toMillis(), timeline);
        ensureSlots(s);
        runHookInBackground(HookRunner.Hook.AFTER_FAILOVER, hookValues);
    }

    /** Hooks after the fact run beside the loop: a slow hook must not delay fencing or the next action. */
    private void runHookInBackground(HookRunner.Hook hook, Map<String, String> values) {
        if (hooks.template(hook).isPresent()) {
            hookThreads.execute(() -> hooks.run(hook, values).ifPresent(this::recordHook));
        }
    }

    private void recordHook(HookRunner.Outcome outcome) {
        submit(Command.newBuilder().setAppendEvent(AppendEvent.newBuilder().setEvent(Event.newBuilder()
                .setKind("hook").setNodeId(self.id()).setEpoch(hub.current().state().getPrimary().getEpoch())
                .setMessage(outcome.describe() + " on node " + self.id()).setDurationMs(outcome.elapsedMs()))));
    }

    private void reportPromotionFailed(long epoch, String why) {
        LOG.warn("promotion at epoch {} failed: {}", epoch, why);
        submit(Command.newBuilder().setPromotionFailed(PromotionFailed.newBuilder().setEpoch(epoch)
                .setNodeId(self.id()).setReason(why)));
        backoffUntilMs = clocks.monoMs() + BACKOFF_MS;
    }

    private void buildStandby(ClusterState s, int primaryId) {
        NodeInfo primary = node(s, primaryId);
        LOG.info("building this standby from node {} ({}:{}) with pg_basebackup", primaryId, primary.getHost(),
                primary.getPgPort());
        markBuilding(true);
        // what an interrupted build left behind is moved aside, never started
        pg.moveDataDirAside().ifPresent(aside -> LOG.info("moved an unfinished data directory aside to {}", aside));
        int[] lastDecile = {-1};
        pg.baseBackupFrom(primary.getHost(), primary.getPgPort(), slot(), (CopyProgress p) -> {
            if (p.percent() / 10 != lastDecile[0]) {
                lastDecile[0] = p.percent() / 10;
                LOG.info("basebackup from node {}: {}% ({} of {} kB)", primaryId, p.percent(), p.doneKb(), p.totalKb());
            }
        });
        markBuilding(false);
        startupReconciled = true;
        pg.start(START_TIMEOUT);
        LOG.info("standby built and started, following node {}", primaryId);
    }

    /**
     * A marker beside the data directory while it is being copied: a directory found with it
     * after a crash is half-built, so it counts as not initialized and is rebuilt.
     */
    private void markBuilding(boolean building) {
        Path marker = buildingMarker();
        try {
            if (building) {
                java.nio.file.Files.createDirectories(marker.getParent());
                java.nio.file.Files.writeString(marker, "pg_basebackup in progress\n");
            } else {
                java.nio.file.Files.deleteIfExists(marker);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot " + (building ? "write " : "remove ") + marker + ": " + e.getMessage(), e);
        }
    }

    private Path buildingMarker() {
        return self.agentDir().resolve("standby-build-in-progress");
    }

    /**
     * A failed-over primary's data directory gets standby.signal pointing at the current
     * primary: whoever starts it by hand gets a read-only server, never a second primary (S2).
     */
    private void protect(ClusterState s) {
        int primary = s.getPrimary().getNodeId();
        if (primary >= 0 && primary != self.id() && pg.isInitialized()) {
            NodeInfo p = node(s, primary);
            pg.configureAsStandby(p.getHost(), p.getPgPort(), slot());
            LOG.info("data directory set to start as a standby of node {}: a manual start cannot make a second primary",
                    primary);
        }
        protectedDataDir = true;
    }

    /** The primary keeps a slot for every other server, so a standby never misses WAL it needs. */
    private void ensureSlots(ClusterState s) {
        for (Backend b : s.getBackendsList()) {
            if (b.getNodeId() == self.id()) {
                continue;
            }
            ClusterStates.node(s, b.getNodeId()).ifPresent(n -> {
                try {
                    pg.ensureSlot(SlotNames.forNode(n.getName()));
                } catch (RuntimeException e) {
                    LOG.warn("cannot create the replication slot for node {}: {}", n.getId(), e.getMessage());
                }
            });
        }
    }

    private String slot() {
        return SlotNames.forNode(self.name());
    }

    private static NodeInfo node(ClusterState s, int id) {
        return ClusterStates.node(s, id).orElseThrow(() -> new IllegalStateException("node " + id + " is not in the state"));
    }

    private void submit(Command.Builder command) {
        try {
            submitOrThrow(command);
        } catch (RuntimeException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    /** Commits and waits until this agent applied it too (the next round must see it). */
    private void submitOrThrow(Command.Builder command) {
        Command c = command.setIssuedMs(clocks.wallMs()).setIssuer(self.id()).build();
        try {
            long index = raft.submit(c).get(10, TimeUnit.SECONDS);
            hub.awaitIndex(index, Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while committing " + c.getKindCase(), e);
        } catch (Exception e) {
            Throwable t = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(c.getKindCase() + " not committed: " + t.getMessage(), e);
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        hookThreads.shutdownNow();
    }
}
