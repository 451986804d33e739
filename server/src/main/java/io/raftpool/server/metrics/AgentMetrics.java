package io.raftpool.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.RaftInfo;
import io.raftpool.server.health.HealthMonitor;
import io.raftpool.server.health.ProbeOutcome;
import io.raftpool.server.raft.AppliedState;
import io.raftpool.server.security.AuthCounters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent's Prometheus metrics (docs/metrics.md), in a registry of its own, and the HTTP
 * endpoint that serves them. Gauges are computed when scraped ({@link AgentGauges}); the
 * counters and histograms count what this agent saw: its own health probes, the promotions it
 * applied, and (read from the token check's {@link AuthCounters}) the API calls it refused.
 */
public final class AgentMetrics implements AutoCloseable {
    private static final double[] PROBE_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final double[] PROMOTION_SECONDS = {0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram probeDuration = Histogram.builder().name("raftpool_agent_health_check_duration_seconds")
            .help("how long this agent's health probes of each PostgreSQL server took, failed ones included")
            .labelNames("backend").classicOnly().classicUpperBounds(PROBE_SECONDS).register(registry);
    private final Counter probeFailures = Counter.builder().name("raftpool_agent_health_check_failures_total")
            .help("health probes of each PostgreSQL server by this agent that did not reach it (connect error,"
                    + " timeout, SQL error)")
            .labelNames("backend").register(registry);
    private final Counter promotions = Counter.builder().name("raftpool_agent_failovers_total")
            .help("promotions this agent applied since it started, by kind: failover, promote, switchover")
            .labelNames("kind").register(registry);
    private final Histogram promotionDuration = Histogram.builder().name("raftpool_agent_failover_duration_seconds")
            .help("time from a confirmed failure (or the operator's request) to the new primary being active, by kind")
            .labelNames("kind").classicOnly().classicUpperBounds(PROMOTION_SECONDS).register(registry);
    private final LongSupplier nanoClock;
    private final long startedWallMs;
    private HTTPServer server;
    private ExecutorService serverThreads;

    /**
     * @param state         the committed state as this agent applied it
     * @param raft          this agent's Raft view of itself, majority contact age included
     * @param vipHeld       whether this agent has the VIP up
     * @param auth          the admin API's and admin console's token checks, counted
     * @param startedWallMs when the agent started: promotions committed before are not counted
     */
    public AgentMetrics(Supplier<ClusterState> state, Supplier<RaftInfo> raft, BooleanSupplier vipHeld,
                        AuthCounters auth, LongSupplier nanoClock, long startedWallMs) {
        this.nanoClock = nanoClock;
        this.startedWallMs = startedWallMs;
        registry.register(() -> AgentGauges.snapshots(AgentGauges.of(state.get(), raft.get(), vipHeld.getAsBoolean())));
        CounterWithCallback.builder().name("raftpool_agent_auth_refusals_total")
                .help("admin API calls and admin console logins refused by the token check (security.auth), by reason:"
                        + " unauthenticated (no token or an unknown one), permission_denied (a role that does not allow it)")
                .labelNames("reason")
                .callback(cb -> {
                    cb.call(auth.unauthenticated(), "unauthenticated");
                    cb.call(auth.permissionDenied(), "permission_denied");
                }).register(registry);
    }

    /** The registry, for the endpoint and for parts that add metrics of their own. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** {@code prober}, timed: every probe's duration and every failed probe are counted per server. */
    public HealthMonitor.BackendProber timed(HealthMonitor.BackendProber prober) {
        return (node, timeout) -> {
            long start = nanoClock.getAsLong();
            ProbeOutcome outcome = prober.probe(node, timeout);
            String backend = Integer.toString(node.getId());
            probeDuration.labelValues(backend).observe((nanoClock.getAsLong() - start) / 1e9);
            if (!outcome.reachable()) {
                probeFailures.labelValues(backend).inc();
            }
            return outcome;
        };
    }

    /** Follows the applied states (subscribe it to the agent's state hub) and counts completed promotions. */
    public Consumer<AppliedState> promotionCounter() {
        return new PromotionCounter();
    }

    /** Compares each applied state with the one before; the hub calls it on one thread, in commit order. */
    private final class PromotionCounter implements Consumer<AppliedState> {
        private ClusterState previous;

        @Override
        public void accept(AppliedState applied) {
            ClusterState before = previous;
            previous = applied.state();
            if (before == null) {
                return;
            }
            Promotions.completed(before, applied.state(), startedWallMs).ifPresent(p -> {
                promotions.labelValues(p.kind()).inc();
                promotionDuration.labelValues(p.kind()).observe(p.durationMs() / 1000.0);
            });
        }
    }

    /** Serves {@code /metrics} on {@code host:port}; throws naming the port when it cannot be bound. */
    public synchronized void serve(String host, int port, int nodeId) {
        serverThreads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "agent-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            server = HTTPServer.builder().hostname(host).port(port).registry(registry).executorService(serverThreads)
                    .buildAndStart();
        } catch (IOException e) {
            serverThreads.shutdownNow();
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage()
                    + "; free that port or change metrics_port of node " + nodeId + " (0 turns the endpoint off)", e);
        }
    }

    /** The port metrics are served on; empty when they are not served. */
    public synchronized OptionalInt port() {
        return server == null ? OptionalInt.empty() : OptionalInt.of(server.getPort());
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (serverThreads != null) {
            serverThreads.shutdownNow();
        }
    }
}
