package io.raftpool.api;

import java.time.Duration;

/** Durations the way the config file writes them: 5s, 300ms, 1500ms. */
final class Durations {
    private Durations() {}

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
