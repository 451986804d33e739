package io.raftpool.config;

import java.time.Duration;

/**
 * Proxy behaviour. A new connection that cannot be routed while a new primary is on its way is
 * held for up to {@code holdTimeout} (0: refused at once), at most {@code holdMax} at a time. A proxy whose view of the committed state is older than {@code staleAfter}
 * stops routing (S1); {@code connectTimeout} bounds a connection attempt to a server.
 * {@code ioThreads} event loops carry every session's bytes: one, like pgbouncer, unless a
 * machine has cores to spare for the proxy, because a relay that shares its cores with
 * PostgreSQL spends most of its CPU on being woken, and one loop wakes up once for many sessions.
 */
public record ProxySettings(Duration staleAfter, Duration connectTimeout, Duration startupTimeout, int ioThreads,
                            Duration holdTimeout, int holdMax) {
    public static final int MAX_IO_THREADS = 64;
    public static final int MAX_HELD = 100_000;
    public static final ProxySettings DEFAULTS = new ProxySettings(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(10), 1, Duration.ofSeconds(5), 1000);

    public ProxySettings {
        if (ioThreads < 1 || ioThreads > MAX_IO_THREADS) {
            throw new IllegalArgumentException("proxy io_threads " + ioThreads + ": allowed 1.." + MAX_IO_THREADS);
        }
        if (holdMax < 1 || holdMax > MAX_HELD) {
            throw new IllegalArgumentException("proxy hold_max " + holdMax + ": allowed 1.." + MAX_HELD);
        }
    }

    public ProxySettings(Duration staleAfter, Duration connectTimeout, Duration startupTimeout) {
        this(staleAfter, connectTimeout, startupTimeout, DEFAULTS.ioThreads());
    }

    public ProxySettings(Duration staleAfter, Duration connectTimeout, Duration startupTimeout, int ioThreads) {
        this(staleAfter, connectTimeout, startupTimeout, ioThreads, DEFAULTS.holdTimeout(), DEFAULTS.holdMax());
    }

    public ProxySettings withHoldTimeout(Duration timeout) {
        return new ProxySettings(staleAfter, connectTimeout, startupTimeout, ioThreads, timeout, holdMax);
    }
}
