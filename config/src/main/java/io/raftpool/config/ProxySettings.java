package io.raftpool.config;

import java.time.Duration;

/**
 * Proxy behaviour. A proxy whose view of the committed state is older than {@code staleAfter}
 * stops routing (S1); {@code connectTimeout} bounds a connection attempt to a server.
 * {@code ioThreads} event loops carry every session's bytes: one, like pgbouncer, unless a
 * machine has cores to spare for the proxy, because a relay that shares its cores with
 * PostgreSQL spends most of its CPU on being woken, and one loop wakes up once for many sessions.
 */
public record ProxySettings(Duration staleAfter, Duration connectTimeout, Duration startupTimeout, int ioThreads) {
    public static final int MAX_IO_THREADS = 64;
    public static final ProxySettings DEFAULTS =
            new ProxySettings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10), 1);

    public ProxySettings {
        if (ioThreads < 1 || ioThreads > MAX_IO_THREADS) {
            throw new IllegalArgumentException("proxy io_threads " + ioThreads + ": allowed 1.." + MAX_IO_THREADS);
        }
    }

    public ProxySettings(Duration staleAfter, Duration connectTimeout, Duration startupTimeout) {
        this(staleAfter, connectTimeout, startupTimeout, DEFAULTS.ioThreads());
    }
}
