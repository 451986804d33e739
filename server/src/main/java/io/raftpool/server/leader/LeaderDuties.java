package io.raftpool.server.leader;

import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.SetMaintenance;
import io.raftpool.proto.Explanation;
import io.raftpool.server.state.MaintenanceMode;
import io.raftpool.proto.BeginFailover;
import io.raftpool.proto.BeginRecovery;
import io.raftpool.proto.RecoveryFailed;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.proto.LeaderAnnounce;
import io.raftpool.proto.MarkBackend;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Operation;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.PromotionDone;
import io.raftpool.proto.PromotionFailed;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.BackendRole;
import io.raftpool.server.raft.RaftNode;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What only the Raft leader does: initialise the cluster, mark backends up or down, and fail
 * over. A thin loop around {@link StatusPolicy} and {@link FailoverPolicy}: it gathers facts
 * (committed state, liveness, candidates' WAL positions), asks the policies, and submits the
 * commands they return, each stamped with the leader's term so that a replaced leader's late
 * order is refused (S4).
 */
public final class LeaderDuties implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(5);

    private final ClusterConfig config;
    private final int nodeId;
    private final RaftNode raft;
    private final Supplier<ClusterState> state;
    private final CandidateProber prober;
    private final LongSupplier monoMs;
    private final LongSupplier wallMs;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "leader-duties");
        t.setDaemon(true);
        return t;
    });
    private static final long RECOVERY_STALL_MS = 30_000;
    private static final long AUTO_REJOIN_RETRY_MS = 30_000;
    private final Map<Integer, Long> lastHeard = new ConcurrentHashMap<>();
    private final RestartWindows restartWindows = new RestartWindows();
    private final Map<Integer, Long> lastAutoRejoin = new HashMap<>();
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private final ClusterAdoption adoption;
    private final SyncRounds syncRounds;
    private volatile boolean leader;
    private volatile long term;
    private String lastWaitLogged = "";
    private final DeferredFailovers deferred = new DeferredFailovers();
    private long promotingSeenAtMs = -1;
    private long promotingSeenEpoch = -1;

    public LeaderDuties(ClusterConfig config, int nodeId, RaftNode raft, Supplier<ClusterState> state,
                        CandidateProber prober, LongSupplier monoMs, LongSupplier wallMs) {
        this.config = config;
        this.nodeId = nodeId;
        this.raft = raft;
        this.state = state;
        this.prober = prober;
        this.syncRounds = new SyncRounds(config, prober);
        this.adoption = new ClusterAdoption(config, prober, monoMs);
        this.monoMs = monoMs;
        this.wallMs = wallMs;
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::safeTick, 100, 100, TimeUnit.MILLISECONDS);
    }

    public boolean isLeader() {
        return leader;
    }

    /** raftpool explain, from this leader's knowledge of the agents; empty when it is not the leader. */
    public Optional<Explanation> explain() {
        if (!leader) {
            return Optional.empty();
        }
        ClusterState s = state.get();
        long wall = wallMs.getAsLong();
        return Optional.of(FailoverExplanation.explain(s, liveness(), config.failover(),
                noAutoFailover(MaintenanceMode.pausedAt(s, wall)), wall, nodeId));
    }

    /** Why automatic failover is off now; a pause turns it off for its time (promotions already begun finish). */
    private Optional<String> noAutoFailover(boolean paused) {
        return !config.failover().auto() ? Optional.of("automatic failover is off (failover.auto: false)")
                : paused ? Optional.of("paused (maintenance mode): no failover until raftpool resume") : Optional.empty();
    }

    public long term() {
        return term;
    }

    /** Ratis says this server can now commit as leader. Never blocks the caller. */
    public void leaderReady() {
        loop.execute(() -> {
            long now = monoMs.getAsLong();
            term = raft.term();
            lastHeard.clear();
            restartWindows.reset();
            for (var n : config.nodes()) {
                lastHeard.put(n.id(), now);
            }
            for (var n : state.get().getNodesList()) {
                lastHeard.put(n.getId(), now); // nodes added since the config was written
            }
            leader = true;
            promotingSeenAtMs = -1;
            LOG.info("leader duties start at term {}", term);
            if (!ClusterStates.isInitialised(state.get())) {
                adoption.init().ifPresent(init -> submit(base().setInitCluster(init)));
            }
            submit(base().setLeaderAnnounce(LeaderAnnounce.newBuilder().setNodeId(nodeId).setTerm(term)));
            tick();
        });
    }

    public void notLeader() {
        if (leader) {
            LOG.info("leader duties stop: no longer leader at term {}", term);
        }
        leader = false;
    }

    public void heardFrom(int node) {
        lastHeard.put(node, monoMs.getAsLong());
    }

    /** Asks for a decision round soon (after a commit); rounds never overlap. */
    public void nudge() {
        if (leader && tickQueued.compareAndSet(false, true)) {
            try {
                loop.execute(() -> {
                    tickQueued.set(false);
                    safeTick();
                });
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                tickQueued.set(false);
            }
        }
    }

    public Liveness liveness() {
        Map<Integer, Long> heard = new HashMap<>(lastHeard);
        heard.put(nodeId, monoMs.getAsLong());
        long now = monoMs.getAsLong();
        return new Liveness(heard, now, config.failover().agentTimeout().toMillis(),
                restartWindows.untilMs(state.get(), now));
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("leader round failed, retrying on the next one: {}", e.toString());
        }
    }

    private void tick() {
        if (!leader || !raft.isLeaderReady() || raft.term() != term) {
            return;
        }
        ClusterState s = state.get();
        if (!ClusterStates.isInitialised(s)) {
            adoption.init().ifPresent(init -> submit(base().setInitCluster(init)));
            return;
        }
        Liveness live = liveness();
        for (MarkBackend m : StatusPolicy.decide(s, live)) {
            LOG.info("marking node {} {}: {}", m.getNodeId(), ClusterStates.statusName(m.getStatus()), m.getReason());
            submit(base().setMark(m));
        }
        long wall = wallMs.getAsLong();
        if (MaintenanceMode.expiredAt(s, wall)) {
            LOG.info("maintenance: the pause set by {} has run its time; resuming", s.getMaintenance().getBy());
            submit(base().setSetMaintenance(SetMaintenance.newBuilder().setPause(false).setBy("raftpool")
                    .setReason("the pause's time ran out")));
        }
        boolean paused = MaintenanceMode.pausedAt(s, wall);
        handleRecoveries(s, live, paused);
        handleSync(s);
        Optional<String> noAutoFailover = noAutoFailover(paused);
        switch (s.getPrimary().getPhase()) {
            case ACTIVE -> handleActive(s, live, noAutoFailover);
            case PROMOTING -> handlePromoting(s);
            case PHASE_NONE -> handleNoPrimary(s, live, noAutoFailover);
            default -> { }
        }
    }

    private void handleActive(ClusterState s, Liveness live, Optional<String> noAutoFailover) {
        FailoverPolicy.Assessment a = FailoverPolicy.assess(s, live, config.failover());
        if (!(a instanceof FailoverPolicy.Failed f)) {
            lastWaitLogged = "";
            deferred.reset();
            return;
        }
        if (noAutoFailover.isPresent()) {
            markPrimaryDown(s, f.primary(), f.reason() + "; " + noAutoFailover.get());
            logOnce("primary node " + f.primary() + " failed (" + f.reason() + "); " + noAutoFailover.get());
            return;
        }
        if (!f.promotableAt(live.nowMs())) {
            deferred.note(s, live, f, why -> FailoverExplanation.explain(s, live, config.failover(), Optional.empty(),
                    wallMs.getAsLong(), nodeId).getVerdict())
                    .ifPresent(e -> submit(base().setAppendEvent(AppendEvent.newBuilder().setEvent(e))));
            logOnce("primary node " + f.primary() + " failed (" + f.reason() + "); " + (f.waitsForItsAgent() ? "waiting for its live agent to report that no process of it remains"
                    : "waiting " + (f.promoteNotBeforeMs() - live.nowMs()) + " ms for its agent's fencing window")
                    + " before promoting");
            return;
        }
        failover(s, live, f.primary(), f.reason(), f.evidence(), f.detectedAtMs(), Operation.Kind.FAILOVER);
    }

    private void handleSync(ClusterState s) {
        syncRounds.next(s, monoMs.getAsLong()).ifPresent(step -> submit(base().mergeFrom(step.build())));
    }

    private void handleRecoveries(ClusterState s, Liveness live, boolean paused) {
        for (int node : RecoveryPolicy.stalled(s, live, RECOVERY_STALL_MS)) {
            submit(base().setRecoveryFailed(RecoveryFailed.newBuilder().setNodeId(node).setReason(
                    "its agent has been silent for over " + RECOVERY_STALL_MS / 1000 + " s")));
        }
        if (!config.failover().autoRejoin() || paused) {
            return;
        }
        for (int node : RecoveryPolicy.toRejoin(s, live)) {
            Long last = lastAutoRejoin.get(node);
            if (last != null && live.nowMs() - last < AUTO_REJOIN_RETRY_MS) {
                continue;
            }
            lastAutoRejoin.put(node, live.nowMs());
            LOG.info("auto_rejoin: rebuilding node {} as a standby of node {}", node, s.getPrimary().getNodeId());
            submit(base().setBeginRecovery(BeginRecovery.newBuilder().setNodeId(node)
                    .setEpoch(s.getPrimary().getEpoch()).setSource(s.getPrimary().getNodeId()).setRequestedBy("auto_rejoin")));
        }
    }

    private void handleNoPrimary(ClusterState s, Liveness live, Optional<String> noAutoFailover) {
        if (noAutoFailover.isPresent() || s.getPrimary().getEpoch() == 0) {
            return;
        }
        int old = s.hasOperation() ? s.getOperation().getOldPrimary() : -1;
        failover(s, live, old, "the previous promotion failed", List.of(), wallMs.getAsLong(), Operation.Kind.FAILOVER);
    }

    private void failover(ClusterState s, Liveness live, int failed, String reason, List<String> evidence,
                          long detectedAt, Operation.Kind kind) {
        List<Integer> eligible = FailoverPolicy.eligible(s, live, failed);
        Map<Integer, FailoverPolicy.CandidateProbe> probes = prober.probeAll(s, FailoverPolicy.toAsk(s, eligible, failed),
                config.healthCheck().timeout());
        Optional<FailoverPolicy.Choice> choice = FailoverPolicy.choose(s, eligible, probes);
        if (choice.isEmpty()) {
            String why = FailoverPolicy.whyNoCandidate(s, eligible, probes);
            if (failed >= 0) {
                markPrimaryDown(s, failed, reason + "; cannot fail over: " + why);
            }
            if (logOnce("cannot fail over from node " + failed + ": " + why)) {
                submit(base().setAppendEvent(AppendEvent.newBuilder().setEvent(Event.newBuilder()
                        .setKind("failover").setNodeId(failed).setEpoch(s.getPrimary().getEpoch())
                        .setMessage("primary node " + failed + " failed (" + reason + ") but no standby can take over: " + why))));
            }
            return;
        }
        FailoverPolicy.Choice c = choice.get();
        long epoch = s.getPrimary().getEpoch() + 1;
        LOG.info("failover: promoting node {} at epoch {} in place of node {} ({}; {})", c.target(), epoch, failed,
                reason, c.reason());
        submit(base().setBeginFailover(BeginFailover.newBuilder()
                .setKind(kind).setNewEpoch(epoch).setTarget(c.target()).setOldPrimary(failed)
                .setReason(reason + "; chose node " + c.target() + ": " + c.reason())
                .addAllEvidence(evidence).setDetectedMs(detectedAt).setPrimaryRestarts(s.getPrimary().getRestarts())));
        lastWaitLogged = "";
    }

    /**
     * A promotion that outlived promote_timeout: if the target's agent died after promoting,
     * finish it on its behalf (the server answers as a primary); otherwise record the failure
     * so the next round picks another candidate at a new epoch.
     */
    private void handlePromoting(ClusterState s) {
        long epoch = s.getPrimary().getEpoch();
        long now = monoMs.getAsLong();
        if (promotingSeenEpoch != epoch || promotingSeenAtMs < 0) {
            promotingSeenEpoch = epoch;
            promotingSeenAtMs = now;
            return;
        }
        if (now - promotingSeenAtMs < config.failover().promoteTimeout().toMillis()) {
            return;
        }
        int target = s.getPrimary().getNodeId();
        NodeInfo node = ClusterStates.node(s, target).orElseThrow();
        FailoverPolicy.CandidateProbe p = prober.probe(node, config.healthCheck().timeout());
        if (p.reachable() && !p.inRecovery()) {
            LOG.info("promotion of node {} at epoch {} finished without its agent; recording it", target, epoch);
            submit(base().setPromotionDone(PromotionDone.newBuilder().setEpoch(epoch).setNodeId(target)));
        } else {
            String why = p.reachable() ? "still in recovery after " + config.failover().promoteTimeout().toMillis() + " ms"
                    : "unreachable: " + p.error();
            submit(base().setPromotionFailed(PromotionFailed.newBuilder().setEpoch(epoch).setNodeId(target).setReason(why)));
        }
        promotingSeenAtMs = -1;
    }

    private void markPrimaryDown(ClusterState s, int node, String reason) {
        ClusterStates.backend(s, node).ifPresent(b -> {
            if (b.getStatus() != BackendStatus.DOWN) {
                submit(base().setMark(MarkBackend.newBuilder().setNodeId(node).setStatus(BackendStatus.DOWN)
                        .setReason(reason).setRole(BackendRole.ROLE_UNKNOWN)));
            }
        });
    }

    private boolean logOnce(String message) {
        if (Objects.equals(message.replaceAll("\\d+ ms", ""), lastWaitLogged.replaceAll("\\d+ ms", ""))) {
            return false;
        }
        lastWaitLogged = message;
        LOG.info(message);
        return true;
    }

    private Command.Builder base() {
        return Command.newBuilder().setIssuedMs(wallMs.getAsLong()).setIssuer(nodeId).setTerm(term);
    }

    private void submit(Command.Builder command) {
        Command c = command.build();
        try {
            raft.submit(c).get(SUBMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("leader command {} not committed: {}", c.getKindCase(), rootMessage(e));
        }
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    @Override
    public void close() {
        leader = false;
        loop.shutdownNow();
    }
}
