package io.raftpool.config;

/**
 * Streaming replication: mode, the role standbys connect as, and in sync mode what happens when
 * no synchronous standby is left: AVAILABILITY keeps taking writes (acknowledged by the primary
 * alone, and no failover is possible until a standby is synchronous again), STRICT blocks
 * writes until a standby catches up.
 */
public record ReplicationSettings(Mode mode, String user, SecretRef password, SyncPolicy syncPolicy) {
    public enum Mode { ASYNC, SYNC }

    public enum SyncPolicy { AVAILABILITY, STRICT }

    public static final ReplicationSettings DEFAULTS =
            new ReplicationSettings(Mode.ASYNC, "replicator", SecretRef.NONE, SyncPolicy.AVAILABILITY);
}
