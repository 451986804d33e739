package io.raftpool.proxy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The connections waiting for the cluster ({@link Holding}), oldest first: a new view wakes
 * every one of them, in the order they started to wait, and each asks to be routed again.
 */
final class HeldConnections {
    /** One waiting connection; {@link #wake()} must not block (it schedules on the connection's loop). */
    interface Waiter {
        void wake();
    }

    private final Set<Waiter> waiting = new LinkedHashSet<>();
    private final ProxyMetrics metrics;

    HeldConnections(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    synchronized int size() {
        return waiting.size();
    }

    synchronized void add(Waiter w) {
        if (waiting.add(w)) {
            metrics.held(waiting.size());
        }
    }

    synchronized void remove(Waiter w) {
        if (waiting.remove(w)) {
            metrics.held(waiting.size());
        }
    }

    /** Wakes every waiting connection, oldest first; each stays listed until it is routed, refused or gone. */
    void wakeAll() {
        List<Waiter> all;
        synchronized (this) {
            all = new ArrayList<>(waiting);
        }
        all.forEach(Waiter::wake);
    }
}
