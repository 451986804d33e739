package io.raftpool.server.health;

/**
 * Probes of one server that may overlap: a new probe starts every period even while earlier
 * ones still wait for their timeout, up to {@code maxInFlight}, so that a server which stopped
 * answering fails {@code retries + 1} probes in about one timeout plus {@code retries} periods
 * instead of as many timeouts in a row. Each probe still has the whole timeout to answer. An
 * outcome counts only if no probe started later has counted already: a late answer to an old
 * probe never overrides a newer one.
 */
final class ProbeSlots {
    private final int maxInFlight;
    private long started;
    private long applied;
    private int inFlight;

    ProbeSlots(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /** The number of the probe to start now, or -1 when enough are in flight. */
    synchronized long start() {
        if (inFlight >= maxInFlight) {
            return -1;
        }
        inFlight++;
        return ++started;
    }

    /** Probe {@code seq} ended; whether its outcome counts. */
    synchronized boolean finish(long seq) {
        inFlight--;
        if (seq <= applied) {
            return false;
        }
        applied = seq;
        return true;
    }
}
