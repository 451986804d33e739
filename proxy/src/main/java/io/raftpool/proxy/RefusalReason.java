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
    BAD_STARTUP("bad_startup");

    private final String label;

    RefusalReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
