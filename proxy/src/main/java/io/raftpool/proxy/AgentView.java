package io.raftpool.proxy;

/**
 * A cluster view as one agent served it, and how fresh it is: when the proxy received it (on
 * the proxy's monotonic clock) and how long the serving agent had been out of contact with the
 * Raft majority at that moment (-1: never confirmed).
 */
public record AgentView(ClusterView cluster, long receivedAtMs, long majorityContactAgeMs, int servedBy) {

    /** Milliseconds; {@link Long#MAX_VALUE} when the serving agent never confirmed a majority. */
    public long ageMs(long nowMs) {
        if (majorityContactAgeMs < 0) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, nowMs - receivedAtMs) + majorityContactAgeMs;
    }

    public long epoch() {
        return cluster.epoch();
    }
}
