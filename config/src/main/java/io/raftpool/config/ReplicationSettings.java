package io.raftpool.config;

/** Streaming replication: mode, and the role standbys connect as. */
public record ReplicationSettings(Mode mode, String user, SecretRef password) {
    public enum Mode { ASYNC, SYNC }

    public static final ReplicationSettings DEFAULTS = new ReplicationSettings(Mode.ASYNC, "replicator", SecretRef.NONE);
}
