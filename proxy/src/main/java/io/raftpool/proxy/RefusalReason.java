package io.raftpool.proxy;

/** Why a client connection was not routed; {@link #label()} is the metrics label. */
public enum RefusalReason {
    NO_VIEW("no_view"),
    STALE_VIEW("stale_view"),
    NO_PRIMARY("no_primary"),
    PRIMARY_DETACHED("primary_detached"),
    NO_BACKEND("no_backend"),
    CONNECT_FAILED("connect_failed"),
    STARTUP_TIMEOUT("startup_timeout"),
    BAD_STARTUP("bad_startup"),
    /** Held for proxy.hold_timeout and still no server to take it. */
    HOLD_TIMEOUT("hold_timeout"),
    /** proxy.hold_max connections wait already. */
    HOLD_FULL("hold_full");

    private final String label;

    RefusalReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
