package io.raftpool.testkit;

/**
 * Thrown by an invariant check when its invariant does not hold. A distinct type, so that a
 * property run against a deliberately broken variant is counted as caught only when the
 * invariant itself failed, never when the variant merely threw something else.
 */
public final class InvariantViolated extends AssertionError {
    public InvariantViolated(String message) {
        super(message);
    }

    /** Throws unless {@code holds}. */
    public static void check(boolean holds, String what, Object... details) {
        if (!holds) {
            StringBuilder b = new StringBuilder(what);
            for (Object d : details) {
                b.append("\n  ").append(d);
            }
            throw new InvariantViolated(b.toString());
        }
    }
}
