package io.raftpool.config;

import java.time.Duration;

/**
 * Proxy behaviour. A proxy whose view of the committed state is older than {@code staleAfter}
 * stops routing (S1); {@code connectTimeout} bounds a connection attempt to a server.
 */
public record ProxySettings(Duration staleAfter, Duration connectTimeout, Duration startupTimeout) {
    public static final ProxySettings DEFAULTS =
            new ProxySettings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10));
}
