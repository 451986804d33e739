package io.raftpool.config;

import java.time.Duration;

/**
 * Failover and fencing. An agent whose PostgreSQL is primary fences it after
 * {@code fenceTimeout} without contact with the Raft majority; the leader waits
 * {@code fenceTimeout + fenceGrace} after it last heard from that agent before promoting
 * another server, so the two never overlap (S6).
 */
public record FailoverSettings(boolean auto, Duration fenceTimeout, Duration fenceGrace,
                               Duration promoteTimeout, Duration agentTimeout) {
    public static final FailoverSettings DEFAULTS = new FailoverSettings(
            true, Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMillis(750));
}
