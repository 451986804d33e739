package io.raftpool.server.raft;

/**
 * Notices a member whose Raft log cannot follow the leader's: the leader answers and is ahead,
 * yet this member's applied index has not moved for a while ({@link #LIMIT_MS} unless the
 * JVM property {@value #LIMIT_PROPERTY} says otherwise, which tests do). Ratis can leave a
 * member so after a storm of elections at start-up (see {@link FirstElection}); it never gets
 * out by itself, and its agent would never learn the cluster's state. Immutable: each
 * {@link #observe} returns the next value.
 *
 * @param sinceMs    when the applied index last moved, or the leader was last not ahead
 * @param lastApplied this member's applied index at {@code sinceMs}
 */
public record ApplyStall(long sinceMs, long lastApplied) {
    /** Long enough for a snapshot to be sent and loaded, short enough to matter at start-up. */
    public static final long LIMIT_MS = 60_000;
    public static final String LIMIT_PROPERTY = "raftpool.raft.applyStallLimitMs";

    /** The limit this JVM uses. */
    public static long limitMs() {
        return Long.getLong(LIMIT_PROPERTY, LIMIT_MS);
    }

    public static ApplyStall start(long nowMs, long applied) {
        return new ApplyStall(nowMs, applied);
    }

    /**
     * One observation: this member's applied index, and the leader's applied index from a
     * heartbeat answered at most a few seconds ago ({@code leaderApplied} -1 when the leader is
     * not known to answer: a partition is not a stall).
     */
    public ApplyStall observe(long nowMs, long applied, long leaderApplied) {
        // A leader behind this member is no stall: a new leader may briefly have applied less.
        boolean behind = leaderApplied > applied;
        if (applied != lastApplied || !behind) {
            return new ApplyStall(nowMs, applied);
        }
        return this;
    }

    public boolean stalled(long nowMs, long limitMs) {
        return nowMs - sinceMs >= limitMs;
    }
}
