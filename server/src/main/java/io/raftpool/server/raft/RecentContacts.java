package io.raftpool.server.raft;

/**
 * The last few confirmed majority contacts: when each began, and how far the leader had applied
 * then. Enough to say how fresh a state applied up to some index is, while an agent catches up.
 */
final class RecentContacts {
    private final long[] starts;
    private final long[] indexes;
    private int next;
    private int size;

    RecentContacts(int capacity) {
        this.starts = new long[capacity];
        this.indexes = new long[capacity];
    }

    synchronized void add(long startNanos, long leaderAppliedIndex) {
        starts[next] = startNanos;
        indexes[next] = leaderAppliedIndex;
        next = (next + 1) % starts.length;
        size = Math.min(size + 1, starts.length);
    }

    /** The latest start among contacts whose leader index is at most {@code appliedIndex}; Long.MIN_VALUE if none. */
    synchronized long latestStartUpTo(long appliedIndex) {
        long best = Long.MIN_VALUE;
        for (int i = 0; i < size; i++) {
            if (indexes[i] <= appliedIndex && (best == Long.MIN_VALUE || starts[i] - best > 0)) {
                best = starts[i];
            }
        }
        return best;
    }
}
