package io.raftpool.chaos.nemesis;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition on the cluster by asking again, as an operator watching it would. */
final class Poll {
    private Poll() {}

    /** Polls {@code condition} every 100 ms until it holds or {@code timeout} passes. */
    static boolean until(Duration timeout, BooleanSupplier condition) {
        return until(timeout, Duration.ofMillis(100), condition);
    }

    /** Polls {@code condition} every {@code every} until it holds or {@code timeout} passes. */
    static boolean until(Duration timeout, Duration every, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
