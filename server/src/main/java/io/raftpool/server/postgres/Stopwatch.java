package io.raftpool.server.postgres;

/** How long an action took, for its log line. */
final class Stopwatch {
    private final long startNanos = System.nanoTime();

    static Stopwatch start() {
        return new Stopwatch();
    }

    long millis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
