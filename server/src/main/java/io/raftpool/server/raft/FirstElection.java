package io.raftpool.server.raft;

import java.time.Duration;
import java.util.Collection;

/**
 * How long a member waits, after it starts, before it campaigns for the first time when it
 * has heard from no leader. The voter with the lowest id waits the usual election timeout;
 * every other voter waits {@link #lead(Duration)} longer per voter ranked before it.
 *
 * <p>Why: when all members start together on a busy machine their timers fire late and
 * together, and several elections in the first second leave different entries at the head of
 * the log. Ratis 3.2/3.3 cannot always repair that: a follower whose first entry differs
 * from the leader's commits its own on the leader's first heartbeat (the heartbeat carries no
 * previous entry) and then refuses everything after it, forever (seen twice in CI as an agent
 * that never applied the cluster's init). With one member campaigning first, the first term's
 * entries reach the others before anyone else campaigns. Once a member has heard from a
 * leader, the normal timeouts apply, so failover speed is unchanged; only a cluster started
 * with its lowest-id member down waits {@code lead} longer for its first leader.
 */
public record FirstElection(Duration min, Duration max) {

    /** The head start of each member over the next in rank: five election timeouts, at least 3 s. */
    static Duration lead(Duration electionTimeoutMax) {
        Duration five = electionTimeoutMax.multipliedBy(5);
        return five.compareTo(Duration.ofSeconds(3)) > 0 ? five : Duration.ofSeconds(3);
    }

    /**
     * The first-election window of voter {@code self} among {@code voters}; a member that is
     * not a voter (a listener waiting for add-node) keeps the usual timeouts: it never campaigns.
     */
    public static FirstElection of(int self, Collection<Integer> voters, Duration electionTimeoutMin,
                                   Duration electionTimeoutMax) {
        long rank = voters.stream().filter(id -> id < self).count();
        if (!voters.contains(self) || rank == 0) {
            return new FirstElection(electionTimeoutMin, electionTimeoutMax);
        }
        Duration delay = lead(electionTimeoutMax).multipliedBy(rank);
        return new FirstElection(electionTimeoutMin.plus(delay), electionTimeoutMax.plus(delay));
    }
}
