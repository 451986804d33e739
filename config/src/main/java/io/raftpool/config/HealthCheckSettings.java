package io.raftpool.config;

import java.time.Duration;

/**
 * How agents probe PostgreSQL servers. A server is unhealthy for one observer only after
 * {@code retries + 1} probes in a row failed; its own agent also watches the postmaster
 * process every {@code localCheckPeriod}, which is the fast and certain signal.
 */
public record HealthCheckSettings(Duration period, Duration timeout, int retries, Duration localCheckPeriod,
                                  Duration lagReportInterval) {
    public static final HealthCheckSettings DEFAULTS = new HealthCheckSettings(
            Duration.ofMillis(500), Duration.ofSeconds(1), 2, Duration.ofMillis(100), Duration.ofSeconds(5));
}
