package io.raftpool.api.view;

import io.raftpool.proto.ClusterState;

/**
 * Quorum mode's one number that both the leader's failover rule and the status views need: how
 * many members of the committed set a failover must hear from. Pure.
 */
public final class QuorumSize {
    private QuorumSize() {}

    /**
     * |sync_standbys| - durable_count + 1: every acknowledged commit is on durable_count of them,
     * so that many answers include one that holds it. 0 when durable_count is 0: nothing is known
     * to be on a standby, and no number of answers would do.
     */
    public static int needed(ClusterState s) {
        int c = s.getQuorum().getDurableCount();
        return c == 0 ? 0 : s.getSyncStandbysCount() - c + 1;
    }
}
