package io.raftpool.server.security;

import java.util.concurrent.atomic.LongAdder;

/**
 * How many admin calls (and admin console logins) were let in, refused for want of a valid
 * token, or refused for want of a role. Read by the metrics endpoint; thread-safe.
 */
public final class AuthCounters {
    private final LongAdder accepted = new LongAdder();
    private final LongAdder unauthenticated = new LongAdder();
    private final LongAdder permissionDenied = new LongAdder();

    void count(AccessDecision decision) {
        switch (decision.code()) {
            case OK -> accepted.increment();
            case PERMISSION_DENIED -> permissionDenied.increment();
            default -> unauthenticated.increment();
        }
    }

    /** Calls let in after a check (security.auth on). */
    public long accepted() {
        return accepted.sum();
    }

    /**
     * Calls refused with UNAUTHENTICATED: no token, a malformed header, or a token that matches no
     * hash; and calls whose new token was not checked for want of budget (UNAVAILABLE).
     */
    public long unauthenticated() {
        return unauthenticated.sum();
    }

    /** Calls refused with PERMISSION_DENIED: a valid token whose role does not allow the method. */
    public long permissionDenied() {
        return permissionDenied.sum();
    }
}
