package io.raftpool.chaos.nemesis;

import java.time.Duration;

/**
 * The operator actions a nemesis and the final heal need from the cluster's admin API. Each
 * is one call; an implementation that lacks one answers "not available", and the run then
 * reports the cluster as not healed, with the reason.
 */
public interface ClusterOps {
    /** Rebuild node {@code node} as a standby of the current primary (raftpool recovery-node N), and wait. */
    Outcome recoverNode(int node, Duration timeout);

    /** A planned switchover to the best standby (raftpool switchover), and wait. */
    Outcome switchover(Duration timeout);

    /** What an action did: whether the API has it at all, whether it was accepted, and the agent's message. */
    record Outcome(boolean available, boolean accepted, String message) {
        public static Outcome unavailable(String why) {
            return new Outcome(false, false, why);
        }

        @Override
        public String toString() {
            return (available ? accepted ? "accepted" : "refused" : "not available") + ": " + message;
        }
    }
}
