package io.raftpool.server.postgres;

/** pg_ctl's shutdown modes. */
public enum StopMode {
    /** Waits for every client to disconnect. */
    SMART("smart"),
    /** Disconnects clients, checkpoints, exits cleanly. */
    FAST("fast"),
    /** Exits at once without a checkpoint: crash recovery at next start, as after a power cut. */
    IMMEDIATE("immediate");

    private final String pgCtlName;

    StopMode(String pgCtlName) {
        this.pgCtlName = pgCtlName;
    }

    public String pgCtlName() {
        return pgCtlName;
    }
}
