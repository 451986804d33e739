package io.raftpool.config;

/**
 * What a caller of the admin API may do. {@code READ}: the status calls (state, watch, Raft and
 * watchdog info). {@code ADMIN}: those and every command that changes the cluster (promote,
 * detach, attach, recover, switchover, and whatever is added later).
 */
public enum ApiRole {
    READ,
    ADMIN;

    /** Whether a caller holding this role may call a method that needs {@code needed}. */
    public boolean allows(ApiRole needed) {
        return this == ADMIN || needed == READ;
    }

    /** As the config and the messages write it: {@code read}, {@code admin}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
