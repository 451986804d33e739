package io.raftpool.config;

import java.time.Duration;

/** The admin API clients' side: how long a CLI call waits for an agent. */
public record AdminSettings(Duration callTimeout) {
    public static final AdminSettings DEFAULTS = new AdminSettings(Duration.ofSeconds(5));
}
