package io.raftpool.config;

import java.time.Duration;

/**
 * Failover and fencing. An agent whose PostgreSQL is primary fences it after
 * {@code fenceTimeout} without contact with the Raft majority; the leader waits
 * {@code fenceTimeout + fenceGrace} after it last heard from that agent before promoting
 * another server, so the two never overlap (S6). With {@code autoRejoin}, a failed old primary is
 * rewound and rejoined as a standby as soon as its agent is back, with no command: off by
 * default, because rewinding throws away the transactions it had not replicated, which an
 * operator may want to look at first, and a flapping node would be rebuilt again and again.
 */
public record FailoverSettings(boolean auto, Duration fenceTimeout, Duration fenceGrace,
                               Duration promoteTimeout, Duration agentTimeout, boolean autoRejoin) {
    public static final FailoverSettings DEFAULTS = new FailoverSettings(
            true, Duration.ofMillis(1500), Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMillis(750), false);
}
