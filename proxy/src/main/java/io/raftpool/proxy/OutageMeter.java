package io.raftpool.proxy;

import java.util.Optional;

/**
 * The outage as this proxy's write clients see it (issue 22): from the first read-write
 * connection refused, held or broken (the old primary's sessions closed; one cut while its
 * client waited counts from when it asked), to the first read-write connection routed to the
 * primary of a newer epoch, or the first view that lets writes through to one. A refusal followed by a route
 * to the same primary (a blip, a restart) ends without being an outage of a primary change.
 * Called from every event loop and the view thread, hence synchronized; the clock is passed in.
 */
final class OutageMeter {
    /** One outage: the epoch whose primary ended it, when it began (wall clock), how long it lasted. */
    record Outage(long epoch, long startedWallMs, long durationMs) {}

    private long startMs = -1;
    private long startWallMs;
    private long startEpoch;
    /** The epoch of the primary the last read-write connection reached: the one clients wrote to. */
    private long servedEpoch;

    /**
     * A write client could not write from {@code sinceMs} on (monotonic; {@code wallMs} the same
     * moment on the wall clock): now for a refused or held connection, earlier for a session cut
     * or broken under a request. The outage starts at the earliest such moment.
     */
    synchronized void unroutable(long sinceMs, long wallMs) {
        if (startMs < 0) {
            // not the view's epoch: during a promotion the view already names the new one
            startEpoch = servedEpoch;
        } else if (sinceMs >= startMs) {
            return;
        }
        startMs = sinceMs;
        startWallMs = wallMs;
    }

    /** A read-write connection reached the primary of {@code epoch}: the outage it ends, if a primary change ended one. */
    synchronized Optional<Outage> routed(long nowMs, long epoch) {
        servedEpoch = Math.max(servedEpoch, epoch);
        if (startMs < 0) {
            return Optional.empty();
        }
        Outage o = new Outage(epoch, startWallMs, nowMs - startMs);
        boolean newPrimary = epoch > startEpoch;
        startMs = -1;
        return newPrimary ? Optional.of(o) : Optional.empty();
    }
}
