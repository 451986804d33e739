package io.raftpool.server.raft;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import io.raftpool.server.UnsafeSwitches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks when this agent last had its contact with the Raft majority confirmed: a linearizable
 * heartbeat (the leader re-confirms its leadership with a majority before answering) that
 * started at time T and succeeded proves contact at T. Fencing (S6), the VIP (S5) and the
 * freshness proxies see (S1) all read this age.
 */
public final class MajorityContact {
    private static final Logger LOG = LoggerFactory.getLogger(MajorityContact.class);

    private final Supplier<CompletableFuture<RaftNode.Beat>> heartbeat;
    private final LongSupplier nanoClock;
    private final long timeoutMs;
    private volatile long lastConfirmedStartNanos;
    private volatile boolean everConfirmed;
    private volatile boolean inFlight;
    private volatile boolean lastOk = true;
    private volatile long leaderAppliedIndex;
    private volatile long firstBeatNanos;
    private final boolean unsafeAlwaysInContact;
    private final RecentContacts recent = new RecentContacts(32);

    public MajorityContact(Supplier<CompletableFuture<RaftNode.Beat>> heartbeat, LongSupplier nanoClock, long timeoutMs) {
        this(heartbeat, nanoClock, timeoutMs, UnsafeSwitches.safetyDisabled());
    }

    MajorityContact(Supplier<CompletableFuture<RaftNode.Beat>> heartbeat, LongSupplier nanoClock, long timeoutMs,
                    boolean unsafeAlwaysInContact) {
        this.heartbeat = heartbeat;
        this.nanoClock = nanoClock;
        this.timeoutMs = timeoutMs;
        this.unsafeAlwaysInContact = unsafeAlwaysInContact;
        if (unsafeAlwaysInContact) {
            LOG.error("UNSAFE: {} is set: this agent never fences its primary, its proxy never sees a stale view and"
                    + " its VIP is never dropped; for tests that must see a split-brain only", UnsafeSwitches.DISABLE_SAFETY);
        }
    }

    /** One beat; the caller schedules it. A beat still in flight is not doubled. */
    public void beat() {
        if (firstBeatNanos == 0) {
            firstBeatNanos = nanoClock.getAsLong();
        }
        if (inFlight) {
            return;
        }
        inFlight = true;
        long start = nanoClock.getAsLong();
        CompletableFuture<RaftNode.Beat> f;
        try {
            f = heartbeat.get();
        } catch (RuntimeException e) {
            inFlight = false;
            failed(e);
            return;
        }
        f.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenComplete((beat, error) -> {
            inFlight = false;
            if (error == null) {
                if (beat.leaderAppliedIndex() > leaderAppliedIndex) {
                    leaderAppliedIndex = beat.leaderAppliedIndex();
                }
                // the leader itself last heard a majority that long before it answered
                long confirmed = start - Math.max(0, Math.min(beat.leaderMajorityAgeMs(), 3_600_000L)) * 1_000_000L;
                if (!everConfirmed || confirmed - lastConfirmedStartNanos > 0) {
                    lastConfirmedStartNanos = confirmed;
                }
                recent.add(confirmed, beat.leaderAppliedIndex());
                everConfirmed = true;
                if (!lastOk) {
                    LOG.info("contact with the raft majority is back");
                }
                lastOk = true;
            } else {
                failed(error);
            }
        });
    }

    private void failed(Throwable error) {
        if (lastOk) {
            LOG.warn("heartbeat to the raft majority failed: {}", rootMessage(error));
        }
        lastOk = false;
    }

    /** Milliseconds since the last confirmed contact began, or -1 when never confirmed. */
    public long ageMs() {
        if (unsafeAlwaysInContact && everConfirmed) {
            return 0;
        }
        if (!everConfirmed) {
            return -1;
        }
        return Math.max(0, (nanoClock.getAsLong() - lastConfirmedStartNanos) / 1_000_000);
    }

    /**
     * The age that decisions use: when contact was never confirmed, the time since the first
     * beat was sent (not since the JVM started: a slow start-up must not fence a healthy primary).
     */
    public long ageOrSinceFirstBeatMs() {
        long age = ageMs();
        if (age >= 0) {
            return age;
        }
        return firstBeatNanos == 0 ? 0 : Math.max(0, (nanoClock.getAsLong() - firstBeatNanos) / 1_000_000);
    }

    /** On the {@code nanoClock}: when the last confirmed contact began; empty when never confirmed. */
    public java.util.Optional<Long> confirmedAtNanos() {
        return everConfirmed ? java.util.Optional.of(lastConfirmedStartNanos) : java.util.Optional.empty();
    }

    /** On the {@code nanoClock}: when this agent first asked for contact; 0 before it did. */
    public long firstBeatNanos() {
        return firstBeatNanos;
    }

    /**
     * The leader's applied index at the last confirmed contact: a state applied at least this
     * far is as current as the majority's was then.
     */
    public long leaderAppliedIndex() {
        return leaderAppliedIndex;
    }

    /**
     * How old a state applied up to {@code appliedIndex} is for sure: the time since the start of
     * the latest confirmed contact at which the leader had applied no further. A proxy judges the
     * state it routes by with this, not with the contact age alone: an agent in contact may still
     * be applying entries the majority committed long ago. -1 when no such contact is known.
     */
    public long freshAgeMs(long appliedIndex) {
        if (unsafeAlwaysInContact && everConfirmed) {
            return 0;
        }
        long start = recent.latestStartUpTo(appliedIndex);
        return start == Long.MIN_VALUE ? -1 : Math.max(0, (nanoClock.getAsLong() - start) / 1_000_000);
    }

    /** Whether contact was confirmed within {@code boundMs}. */
    public boolean within(long boundMs) {
        long age = ageMs();
        return age >= 0 && age < boundMs;
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
