package io.raftpool.proxy;

import io.raftpool.config.ProxySettings;

/** What every client connection's handlers share. */
record FrontendContext(Router router, MonotonicClock clock, ProxySettings settings, ProxyMetrics metrics,
                       Transport transport, CancelForwarder cancels,
                       java.util.function.Consumer<OutageMeter.Outage> outageListener) {

    /** A connection on {@code port} could not be routed now: for a write client, an outage starts. */
    void unroutable(ProxyPort port) {
        if (port == ProxyPort.READ_WRITE) {
            router.outages().unroutable(clock.nowMillis(), System.currentTimeMillis());
        }
    }

    /** A session on {@code port} broke under a request its client sent at {@code sinceMs} (monotonic). */
    void unroutable(ProxyPort port, long sinceMs) {
        if (port == ProxyPort.READ_WRITE) {
            router.outages().unroutableSince(sinceMs, clock.nowMillis());
        }
    }

    /**
     * The client closed its connection while it waited for the server (its own timeout, most
     * often: a server cut off by a partition answers nothing and closes nothing), or the server
     * never took it (a connect that timed out): for a write client, it could not write from when
     * it asked.
     */
    void clientGaveUp(Session session) {
        long since = session.waitingSinceMs();
        if (since >= 0) {
            unroutable(session.port(), since);
        }
    }

    /**
     * The server closed a started session its client still holds: under a request, its client
     * could not write from when it asked; otherwise from now, if more failures follow.
     */
    void serverClosed(Session session) {
        long since = session.waitingSinceMs();
        if (since >= 0) {
            unroutable(session.port(), since);
        } else if (session.port() == ProxyPort.READ_WRITE) {
            router.outages().serverClosed(clock.nowMillis(), System.currentTimeMillis());
        }
    }

    /** A connection on {@code port} reached {@code target}: for a write client, it may end an outage. */
    void routed(ProxyPort port, Target target) {
        if (port == ProxyPort.READ_WRITE) {
            router.outages().routed(clock.nowMillis(), target.epoch()).ifPresent(outageListener);
        }
    }
}
