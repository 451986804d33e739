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
     * A start that counts only if a failure follows soon (within {@link #RESUME_WITHIN_MS} of
     * {@code pendingAtMs}): an outage a view alone ended (same primary, no client routed yet), or
     * a session the server closed although its client was not waiting.
     */
    private long pendingAtMs = -1;
    private long pendingStartMs;
    private long pendingStartWallMs;

    /** A failure this soon after a pending start makes it the start of the outage. */
    static final long RESUME_WITHIN_MS = 2_000;

    /**
     * A write client could not write from {@code sinceMs} on (monotonic; {@code wallMs} the same
     * moment on the wall clock): now for a refused or held connection, earlier for a session cut
     * or broken under a request. The outage starts at the earliest such moment.
     */
    synchronized void unroutable(long sinceMs, long wallMs) {
        if (startMs < 0 && pendingAtMs >= 0 && sinceMs - pendingAtMs <= RESUME_WITHIN_MS) {
            // the view said the same primary takes writes again but it does not, or the server
            // that closed a session is gone: one outage, from then
            startMs = pendingStartMs;
            startWallMs = pendingStartWallMs;
            startEpoch = servedEpoch;
            pendingAtMs = -1;
        }
        if (startMs < 0) {
            // not the view's epoch: during a promotion the view already names the new one
            startEpoch = servedEpoch;
        } else if (sinceMs >= startMs) {
            return;
        }
        startMs = sinceMs;
        startWallMs = wallMs;
    }

    /**
     * As {@link #unroutable(long, long)} for a moment {@code sinceMs} at or before {@code nowMs}
     * (monotonic), its wall-clock time taken back from now: one conversion for every caller.
     */
    void unroutableSince(long sinceMs, long nowMs) {
        long since = Math.min(nowMs, sinceMs);
        unroutable(since, System.currentTimeMillis() - (nowMs - since));
    }

    /** A read-write connection reached the primary of {@code epoch}: the outage it ends, if a primary change ended one. */
    synchronized Optional<Outage> routed(long nowMs, long epoch) {
        pendingAtMs = -1;
        servedEpoch = Math.max(servedEpoch, epoch);
        if (startMs < 0) {
            return Optional.empty();
        }
        Outage o = new Outage(epoch, startWallMs, nowMs - startMs);
        boolean newPrimary = epoch > startEpoch;
        startMs = -1;
        return newPrimary ? Optional.of(o) : Optional.empty();
    }

    /**
     * This proxy's view lets writes through to the primary of {@code epoch}, whether or not a
     * client is there to be routed. A newer primary ends the outage as a route would (its clients
     * went elsewhere); the same primary ends it only for now: the view may name a server that is
     * gone (its agent frozen), and a failure within {@link #RESUME_WITHIN_MS} resumes it.
     */
    synchronized Optional<Outage> viewWritable(long nowMs, long epoch) {
        if (startMs < 0) {
            servedEpoch = Math.max(servedEpoch, epoch);
            return Optional.empty();
        }
        if (epoch > startEpoch) {
            return routed(nowMs, epoch);
        }
        pendingAtMs = nowMs;
        pendingStartMs = startMs;
        pendingStartWallMs = startWallMs;
        startMs = -1;
        return Optional.empty();
    }

    /**
     * The server closed a read-write session whose client was not waiting (it may have sent an
     * error first: "terminating connection due to unexpected postmaster exit"): its client finds
     * out at its next write. Not an outage by itself (an idle timeout, a terminated backend), the
     * start of one if a failure follows within {@link #RESUME_WITHIN_MS}.
     */
    synchronized void serverClosed(long nowMs, long wallMs) {
        if (startMs >= 0 || (pendingAtMs >= 0 && nowMs - pendingAtMs <= RESUME_WITHIN_MS)) {
            return;
        }
        pendingAtMs = nowMs;
        pendingStartMs = nowMs;
        pendingStartWallMs = wallMs;
    }
}
