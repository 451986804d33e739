package io.raftpool.server.raft;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** How long ago a majority last answered a leader, from each follower's reply age. Pure. */
public final class MajorityAge {
    private MajorityAge() {}

    /**
     * The leader counts itself, so it needs replies from {@code members / 2} followers: the age
     * is the {@code members / 2}-th youngest follower reply. Long.MAX_VALUE when too few exist.
     */
    public static long of(List<Long> followerAges, int members) {
        int needed = members / 2;
        if (needed == 0) {
            return 0;
        }
        if (followerAges.size() < needed) {
            return Long.MAX_VALUE;
        }
        List<Long> sorted = new ArrayList<>(followerAges);
        Collections.sort(sorted);
        return sorted.get(needed - 1);
    }
}
