package io.raftpool.proxy;

import java.time.Duration;

/**
 * When the proxy gives up on the agent it watches and tries the next one, as pure functions.
 *
 * <p>A watch stream is abandoned when it has not delivered a usable view for
 * {@link #abandonAfterMs()}: either it went silent (a hung connection), or its agent keeps
 * streaming views it cannot vouch for (cut off from the Raft majority, or behind). Another
 * agent may still be in touch with the majority.
 */
record WatchPolicy(Duration staleAfter) {

    static final long MAX_HEARTBEAT_MS = 200;
    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 1000;

    /** What to ask agents for: 200 ms, or less when staleAfter is so short that 200 ms would not do. */
    long heartbeatMs() {
        return Math.max(10, Math.min(MAX_HEARTBEAT_MS, staleAfter.toMillis() / 4));
    }

    long abandonAfterMs() {
        return Math.max(staleAfter.toMillis(), 3 * heartbeatMs());
    }

    /**
     * Whether to abandon a stream opened at {@code startedAt} whose last usable view came at
     * {@code lastUsableAt} (or never: -1).
     */
    boolean shouldAbandon(long now, long startedAt, long lastUsableAt) {
        return now - Math.max(startedAt, lastUsableAt) >= abandonAfterMs();
    }

    /** A usable view: the proxy took it, and its agent was in touch with the majority. */
    boolean usable(boolean accepted, long majorityContactAgeMs) {
        return accepted && majorityContactAgeMs >= 0 && majorityContactAgeMs < staleAfter.toMillis();
    }

    /** Wait before the n-th consecutive attempt (0-based) that follows a failure. */
    static long backoffMs(int failuresInARow) {
        long ms = MIN_BACKOFF_MS << Math.min(failuresInARow, 10);
        return Math.min(MAX_BACKOFF_MS, ms);
    }
}
