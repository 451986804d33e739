package io.raftpool.server.watchdog;

/**
 * What the watchdog process does on each turn of its loop, as pure functions of its lease, the
 * time and what it sees of the agent and the server.
 */
public final class WatchdogStep {
    private WatchdogStep() {}

    public enum Step {
        /** Nothing to do yet. */
        WAIT,
        /** The lease ran out while the server runs: kill every process of it (S6). */
        FIRE,
        /** Its agent is gone and nothing is left to guard: no lease, or one that ran out and was served. */
        EXIT
    }

    public static Step step(Lease lease, long nowNanos, boolean agentAlive, boolean serverRunning) {
        boolean expired = lease.expiredAt(nowNanos);
        if (expired && serverRunning) {
            return Step.FIRE;
        }
        if (!agentAlive && (!lease.armed() || expired)) {
            return Step.EXIT;
        }
        return Step.WAIT;
    }

    /**
     * Whether to kick the watchdog device now. Only while a reset after the device's timeout would
     * still fall before the leader may promote another server (the lease's end plus the leader's
     * grace): a host that hangs right after the last kick is reset in time.
     */
    public static boolean kickDevice(Lease lease, long nowNanos, long deviceTimeoutNanos, long graceNanos) {
        return lease.armed() && nowNanos + deviceTimeoutNanos - (lease.deadlineNanos() + graceNanos) <= 0;
    }
}
