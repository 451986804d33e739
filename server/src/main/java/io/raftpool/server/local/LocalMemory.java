package io.raftpool.server.local;

/**
 * What the local duties remember about this agent's server between rounds, and feed back to
 * {@link LocalPlanner}. Lost with the process on purpose: a new agent reconciles its server
 * once more when it starts. Written on the loop's thread only.
 */
final class LocalMemory {
    /** After a failed action, only the safety actions (fencing, S2) run for this long. */
    static final long BACKOFF_MS = 3000;

    /** The once-at-agent-start decision was taken (read by raft-info from other threads). */
    volatile boolean startupReconciled;
    /** This agent stopped its primary for fencing. */
    boolean fenced;
    /** standby.signal was written into a failed-over primary's data directory. */
    boolean protectedDataDir;
    private long backoffUntilMs;

    void backOff(long nowMs) {
        backoffUntilMs = nowMs + BACKOFF_MS;
    }

    boolean backingOff(long nowMs) {
        return nowMs < backoffUntilMs;
    }
}
