package io.raftpool.proxy;

/**
 * Where the proxy reads "now", in milliseconds. A monotonic source, because a view's age must
 * not shrink or jump when the wall clock is set; decisions take the value as an argument.
 */
@FunctionalInterface
public interface MonotonicClock {
    long nowMillis();

    MonotonicClock SYSTEM = () -> System.nanoTime() / 1_000_000L;
}
