package io.raftpool.server.agent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
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

    private final Supplier<CompletableFuture<Long>> heartbeat;
    private final LongSupplier nanoClock;
    private final long timeoutMs;
    private volatile long lastConfirmedStartNanos;
    private volatile boolean everConfirmed;
    private volatile boolean inFlight;
    private volatile boolean lastOk = true;
    private volatile long leaderAppliedIndex;

    public MajorityContact(Supplier<CompletableFuture<Long>> heartbeat, LongSupplier nanoClock, long timeoutMs) {
        this.heartbeat = heartbeat;
        this.nanoClock = nanoClock;
        this.timeoutMs = timeoutMs;
    }

    /** One beat; the caller schedules it. A beat still in flight is not doubled. */
    public void beat() {
        if (inFlight) {
            return;
        }
        inFlight = true;
        long start = nanoClock.getAsLong();
        CompletableFuture<Long> f;
        try {
            f = heartbeat.get();
        } catch (RuntimeException e) {
            inFlight = false;
            failed(e);
            return;
        }
        f.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenComplete((leaderIndex, error) -> {
            inFlight = false;
            if (error == null) {
                if (leaderIndex > leaderAppliedIndex) {
                    leaderAppliedIndex = leaderIndex;
                }
                if (!everConfirmed || start - lastConfirmedStartNanos > 0) {
                    lastConfirmedStartNanos = start;
                }
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
        if (!everConfirmed) {
            return -1;
        }
        return Math.max(0, (nanoClock.getAsLong() - lastConfirmedStartNanos) / 1_000_000);
    }

    /**
     * The leader's applied index at the last confirmed contact: a state applied at least this
     * far is as current as the majority's was then.
     */
    public long leaderAppliedIndex() {
        return leaderAppliedIndex;
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
