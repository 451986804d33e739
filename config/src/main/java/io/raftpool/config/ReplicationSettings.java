package io.raftpool.config;

/**
 * Streaming replication: mode, the role standbys connect as, and in sync and quorum mode what
 * happens when too few standbys are synchronous: AVAILABILITY keeps taking writes (acknowledged
 * by fewer standbys, down to the primary alone, and no failover is possible until enough
 * standbys are synchronous again), STRICT blocks writes until they catch up.
 *
 * @param syncCount quorum mode: how many standbys must have flushed a commit before it is
 *                  acknowledged (synchronous_standby_names = 'ANY syncCount (...)'); 1 otherwise
 */
public record ReplicationSettings(Mode mode, String user, SecretRef password, SyncPolicy syncPolicy, int syncCount) {
    public enum Mode { ASYNC, SYNC, QUORUM }

    public enum SyncPolicy { AVAILABILITY, STRICT }

    public static final ReplicationSettings DEFAULTS =
            new ReplicationSettings(Mode.ASYNC, "replicator", SecretRef.NONE, SyncPolicy.AVAILABILITY, 1);

    /** The four-value form: one synchronous standby at most. */
    public ReplicationSettings(Mode mode, String user, SecretRef password, SyncPolicy syncPolicy) {
        this(mode, user, password, syncPolicy, 1);
    }

    /** Whether commits wait for standbys at all (sync or quorum). */
    public boolean synchronous() {
        return mode != Mode.ASYNC;
    }
}
