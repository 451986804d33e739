package io.raftpool.config;

import java.time.Duration;

/** Raft timing and snapshot policy, shared by every agent. */
public record RaftSettings(Duration electionTimeoutMin, Duration electionTimeoutMax, long snapshotEvery) {
    public static final RaftSettings DEFAULTS =
            new RaftSettings(Duration.ofMillis(300), Duration.ofMillis(600), 1000);
}
