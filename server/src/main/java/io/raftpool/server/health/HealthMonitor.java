package io.raftpool.server.health;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.HealthCheckSettings;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Health;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Observation;
import io.raftpool.proto.ReportObservation;
import io.raftpool.server.leader.ClusterInit;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This agent's eyes: probes every PostgreSQL server of the cluster on the configured period
 * (a probe waiting for its timeout does not hold back the next: {@link ProbeSlots}),
 * watches its own server's postmaster process every local-check period, and commits an
 * observation only when its opinion changes (health, role, streaming, timeline) — never once
 * per probe. The own server's WAL position and lag are also re-reported at most every
 * lag-report interval.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    /** Probes one server (connect + a few queries) within a timeout. */
    public interface BackendProber {
        ProbeOutcome probe(NodeInfo node, Duration timeout);
    }

    private volatile boolean holdingOwn;
    private final ClusterConfig config;
    private final int self;
    private final Supplier<ClusterState> state;
    private final BackendProber prober;
    private final BooleanSupplier localPostmasterRunning;
    private final Function<Command, CompletableFuture<Long>> submit;
    private final LongSupplier wallMs;
    private final ScheduledExecutorService timers;
    private final java.util.concurrent.ExecutorService probeRunner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "health-probe");
        t.setDaemon(true);
        return t;
    });
    private final Map<Integer, ObserverView> views = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> reporting = new ConcurrentHashMap<>();
    private final Map<Integer, ScheduledFuture<?>> probes = new ConcurrentHashMap<>();
    private volatile long lastLagReportMs;

    public HealthMonitor(ClusterConfig config, int self, Supplier<ClusterState> state, BackendProber prober,
                         BooleanSupplier localPostmasterRunning, Function<Command, CompletableFuture<Long>> submit,
                         LongSupplier wallMs) {
        this.config = config;
        this.self = self;
        this.state = state;
        this.prober = prober;
        this.localPostmasterRunning = localPostmasterRunning;
        this.submit = submit;
        this.wallMs = wallMs;
        this.timers = Executors.newScheduledThreadPool(Math.max(2, config.postgresNodes().size() + 1), r -> {
            Thread t = new Thread(r, "health");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        HealthCheckSettings hc = config.healthCheck();
        for (NodeConfig n : config.postgresNodes()) {
            watch(ClusterInit.nodeInfo(n));
        }
        // nodes join and leave the committed state (add-node, remove-node): probe what it holds
        timers.scheduleWithFixedDelay(() -> guarded(this::followMembership), 1, 1, TimeUnit.SECONDS);
        if (config.requireNode(self).postgres().isPresent()) {
            timers.scheduleWithFixedDelay(() -> guarded(this::localCheck), 0, hc.localCheckPeriod().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void watch(NodeInfo node) {
        ProbeSlots slots = new ProbeSlots(config.healthCheck().retries() + 1);
        probes.computeIfAbsent(node.getId(), id -> timers.scheduleAtFixedRate(() -> guarded(() -> startProbe(node, slots)),
                0, config.healthCheck().period().toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Starts a probe of {@code node} unless enough are waiting for an answer already. */
    private void startProbe(NodeInfo node, ProbeSlots slots) {
        long seq = slots.start();
        if (seq < 0) {
            return;
        }
        try {
            probeRunner.execute(() -> {
                ProbeOutcome outcome;
                try {
                    outcome = probe(node);
                } catch (RuntimeException e) {
                    slots.finish(seq);
                    throw e;
                }
                if (slots.finish(seq)) {
                    guarded(() -> update(node.getId(), outcome));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            slots.finish(seq);
        }
    }

    private void followMembership() {
        ClusterState s = state.get();
        if (!ClusterStates.isInitialised(s)) {
            return;
        }
        Set<Integer> backends = new HashSet<>(ClusterStates.backendIds(s));
        for (NodeInfo n : s.getNodesList()) {
            if (backends.contains(n.getId()) && !probes.containsKey(n.getId())) {
                LOG.info("probing node {} ({}:{}), which joined the cluster", n.getId(), n.getHost(), n.getPgPort());
                watch(n);
            }
        }
        for (Integer id : Set.copyOf(probes.keySet())) {
            if (!backends.contains(id)) {
                LOG.info("no longer probing node {}, which left the cluster", id);
                probes.remove(id).cancel(false);
                views.remove(id);
            }
        }
    }

    /**
     * While this agent starts its own server again as the primary, nothing it sees of that server
     * is reported: the restart is committed first and voids a failover decided on "not running",
     * and a "not running" seen before the server is up would let the leader decide one again
     * while the restarted primary takes writes (a chaos run: direct writes acknowledged by the
     * restarted server 250 ms after another server's promotion began). Released when the start
     * ends, well or not: a server that did not come up is reported as such.
     */
    public void holdOwnReports(boolean hold) {
        holdingOwn = hold;
    }

    /** The latest opinion of this agent about a server (not necessarily committed yet). */
    public Optional<ObserverView> view(int subject) {
        return Optional.ofNullable(views.get(subject));
    }

    private ProbeOutcome probe(NodeInfo node) {
        ProbeOutcome outcome = prober.probe(node, config.healthCheck().timeout());
        if (node.getId() == self) {
            boolean running = localPostmasterRunning.getAsBoolean();
            outcome = running ? outcome.withRunning(ProbeOutcome.Running.TRUE) : ProbeOutcome.notRunning();
        }
        return outcome;
    }

    /** The fast, certain signal: is the own postmaster process there at all. */
    private void localCheck() {
        if (!localPostmasterRunning.getAsBoolean()) {
            ObserverView v = views.getOrDefault(self, ObserverView.INITIAL);
            if (v.health() != Health.NOT_RUNNING) {
                update(self, ProbeOutcome.notRunning());
            }
        }
    }

    private synchronized void update(int subject, ProbeOutcome outcome) {
        if (subject == self && holdingOwn) {
            return;
        }
        ObserverView previous = views.getOrDefault(subject, ObserverView.INITIAL);
        ObserverView next = HealthTracker.next(previous, outcome, config.healthCheck().retries());
        views.put(subject, next);
        if (previous.health() != next.health()) {
            LOG.info("node {} is {} to this agent: {}", subject, next.health().name().toLowerCase(), next.detail());
        }
        ClusterState s = state.get();
        if (!ClusterStates.isInitialised(s) || ClusterStates.backend(s, subject).isEmpty()) {
            return;
        }
        Observation committed = ClusterStates.observation(s, self, subject).orElse(null);
        boolean changed = HealthTracker.differs(committed, next);
        long now = wallMs.getAsLong();
        boolean lagDue = subject == self && next.health() == Health.HEALTHY && committed != null
                && committed.getWalLsn() != next.walLsn()
                && now - lastLagReportMs >= config.healthCheck().lagReportInterval().toMillis();
        if (!changed && !lagDue) {
            return;
        }
        if (next.health() == Health.HEALTH_UNKNOWN && committed == null) {
            return;
        }
        if (reporting.putIfAbsent(subject, Boolean.TRUE) != null) {
            return; // one report in flight per subject; the next probe retries if it is lost
        }
        if (lagDue) {
            lastLagReportMs = now;
        }
        Observation o = HealthTracker.toObservation(self, subject, next, lagBytes(subject, next), now);
        Command c = Command.newBuilder().setIssuedMs(now).setIssuer(self)
                .setReport(ReportObservation.newBuilder().setObservation(o)).build();
        submit.apply(c).whenComplete((index, error) -> {
            reporting.remove(subject);
            if (error != null) {
                LOG.debug("observation of node {} not committed yet: {}", subject, error.toString());
            }
        });
    }

    /** A standby's lag behind the primary, from this agent's latest probes of both. */
    private long lagBytes(int subject, ObserverView view) {
        if (view.role() != BackendRole.STANDBY) {
            return view.role() == BackendRole.PRIMARY ? 0 : -1;
        }
        int primary = state.get().getPrimary().getNodeId();
        ObserverView p = views.get(primary);
        if (p == null || p.health() != Health.HEALTHY || p.role() != BackendRole.PRIMARY) {
            return -1;
        }
        return Math.max(0, p.walLsn() - view.walLsn());
    }

    private static void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("health check round failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
        probeRunner.shutdownNow();
    }
}
