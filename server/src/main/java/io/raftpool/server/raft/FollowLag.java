package io.raftpool.server.raft;

/**
 * Whether this member keeps up with the leader: the leader answers and is ahead, yet this
 * member's applied index has not moved since {@code sinceMs}. Only reported (watchdog-info, a
 * metric, a log line): a member that cannot follow stays a member, and its Raft storage is
 * never touched without an operator's {@code rebuild-member} (S7). A slow disk, a long pause
 * or a snapshot in transit look the same for a while, which is why nothing acts on it alone.
 * Immutable: each {@link #observe} returns the next value.
 *
 * @param sinceMs       when the applied index last moved, or the leader was last not ahead
 * @param lastApplied   this member's applied index at {@code sinceMs}
 * @param leaderApplied the leader's applied index at the last observation; -1 when unknown
 */
public record FollowLag(long sinceMs, long lastApplied, long leaderApplied) {
    /** Behind this long without moving: reported as not following. */
    public static final long REPORT_AFTER_MS = 10_000;

    public static FollowLag start(long nowMs, long applied) {
        return new FollowLag(nowMs, applied, -1);
    }

    /**
     * One observation: this member's applied index, and the leader's applied index from a
     * heartbeat answered a moment ago ({@code leaderApplied} -1 when the leader is not known
     * to answer: a partition is not a lag).
     */
    public FollowLag observe(long nowMs, long applied, long leaderApplied) {
        // A leader behind this member is no lag: a new leader may briefly have applied less.
        boolean behind = leaderApplied > applied;
        if (applied != lastApplied || !behind) {
            return new FollowLag(nowMs, applied, leaderApplied);
        }
        return new FollowLag(sinceMs, lastApplied, leaderApplied);
    }

    /** How many entries the leader applied that this member has not; 0 when it follows. */
    public long entriesBehind() {
        return leaderApplied > lastApplied ? leaderApplied - lastApplied : 0;
    }

    /** How long this member has been behind without applying anything. */
    public long stuckForMs(long nowMs) {
        return entriesBehind() > 0 ? nowMs - sinceMs : 0;
    }

    /** Whether it has been behind, without moving, long enough to report it. */
    public boolean notFollowing(long nowMs) {
        return stuckForMs(nowMs) >= REPORT_AFTER_MS;
    }
}
