package io.raftpool.proxy;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;

/**
 * The proxy's Prometheus metrics, in a registry of its own (several proxies may share a JVM in
 * tests). The {@code backend} label is the node id.
 */
final class ProxyMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge open = Gauge.builder().name("raftpool_proxy_connections_open")
            .help("client connections open, by proxy port and server node").labelNames("port", "backend")
            .register(registry);
    private final Counter routed = Counter.builder().name("raftpool_proxy_connections_routed_total")
            .help("client connections routed to a server, by proxy port and server node")
            .labelNames("port", "backend").register(registry);
    private final Counter refused = Counter.builder().name("raftpool_proxy_connections_refused_total")
            .help("client connections refused or dropped before routing, by proxy port and reason")
            .labelNames("port", "reason").register(registry);
    private final Counter bytes = Counter.builder().name("raftpool_proxy_bytes_total")
            .help("bytes relayed, by direction").labelNames("direction")
            .withoutExemplars() // counted on every relayed buffer: no exemplar sampling on that path
            .register(registry);
    private final CounterDataPoint bytesToServer = bytes.labelValues("client_to_server");
    private final CounterDataPoint bytesToClient = bytes.labelValues("server_to_client");
    private final Counter cancels = Counter.builder().name("raftpool_proxy_cancel_requests_total")
            .help("cancel requests forwarded: to the one server holding the session (known), or to every server"
                    + " because the session's key is unknown, as for TLS sessions (broadcast)")
            .labelNames("route").register(registry);
    private final Gauge held = Gauge.builder().name("raftpool_proxy_connections_held")
            .help("client connections waiting for the cluster instead of being refused (proxy.hold_timeout)")
            .register(registry);
    private final Histogram holdSeconds = Histogram.builder().name("raftpool_proxy_hold_duration_seconds")
            .help("how long client connections waited for the cluster, by proxy port and outcome (routed, refused,"
                    + " client_gone)")
            .labelNames("port", "outcome").classicOnly()
            .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30).register(registry);
    private final Histogram outage = Histogram.builder().name("raftpool_proxy_write_outage_seconds")
            .help("per change of primary, how long this proxy's write clients could not write: from the first"
                    + " read-write connection refused, held or broken to the first one routed to the new primary")
            .classicOnly().classicUpperBounds(0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60).register(registry);
    private final Gauge lastOutage = Gauge.builder().name("raftpool_proxy_last_write_outage_seconds")
            .help("the last such outage").register(registry);
    private final Gauge lastOutageEpoch = Gauge.builder().name("raftpool_proxy_last_write_outage_epoch")
            .help("the epoch whose primary ended the last such outage").register(registry);
    private final Gauge epoch = Gauge.builder().name("raftpool_proxy_epoch")
            .help("the primary epoch of the view this proxy follows").register(registry);

    PrometheusRegistry registry() {
        return registry;
    }

    /** The age of the view, read when scraped; +Inf when never confirmed, NaN before any view. */
    void viewAge(DoubleSupplier seconds) {
        GaugeWithCallback.builder().name("raftpool_proxy_view_age_seconds")
                .help("age of the cluster view this proxy routes by (receive age + the agent's own majority-contact age)")
                .callback(cb -> cb.call(seconds.getAsDouble())).register(registry);
    }

    void sessionOpened(ProxyPort port, Target target) {
        open.labelValues(port.label(), backend(target)).inc();
    }

    void sessionClosed(ProxyPort port, Target target) {
        open.labelValues(port.label(), backend(target)).dec();
    }

    void routed(ProxyPort port, Target target) {
        routed.labelValues(port.label(), backend(target)).inc();
    }

    void refused(ProxyPort port, RefusalReason reason) {
        refused.labelValues(port.label(), reason.label()).inc();
    }

    void held(int now) {
        held.set(now);
    }

    void holdEnded(ProxyPort port, String outcome, long waitedMs) {
        holdSeconds.labelValues(port.label(), outcome).observe(waitedMs / 1000.0);
    }

    void outage(OutageMeter.Outage o) {
        outage.observe(o.durationMs() / 1000.0);
        lastOutage.set(o.durationMs() / 1000.0);
        lastOutageEpoch.set(o.epoch());
    }

    void cancelRequest(boolean known) {
        cancels.labelValues(known ? "known" : "broadcast").inc();
    }

    void bytesToServer(int n) {
        bytesToServer.inc(n);
    }

    void bytesToClient(int n) {
        bytesToClient.inc(n);
    }

    void epoch(long value) {
        epoch.set(value);
    }

    private static String backend(Target target) {
        return String.valueOf(target.nodeId());
    }
}
