package io.raftpool.server.watchdog;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent tells its watchdog: whether to guard the server at all (only a server that is,
 * or is about to be, a primary can commit), until when (a {@link System#nanoTime()} value: on
 * Linux both JVMs read the same CLOCK_MONOTONIC, which wall-clock steps do not move), and which
 * agent process renews it.
 */
public record Lease(boolean armed, long deadlineNanos, long agentPid) {
    public static final Lease NONE = new Lease(false, 0, 0);

    public static Lease armedUntil(long deadlineNanos, long agentPid) {
        return new Lease(true, deadlineNanos, agentPid);
    }

    public static Lease disarmed(long agentPid) {
        return new Lease(false, 0, agentPid);
    }

    public boolean expiredAt(long nowNanos) {
        return armed && nowNanos - deadlineNanos >= 0;
    }

    /** Nanoseconds left before it runs out; 0 when it has, or when it is not armed. */
    public long leftNanos(long nowNanos) {
        return armed ? Math.max(0, deadlineNanos - nowNanos) : 0;
    }

    public String format() {
        return "armed=" + armed + " deadline=" + deadlineNanos + " agent=" + agentPid + "\n";
    }

    /** Empty when the text is not a lease (a torn or foreign file: the watchdog then keeps the last one it read). */
    public static Optional<Lease> parse(String text) {
        Map<String, String> f = fields(text);
        try {
            if (!f.containsKey("armed") || !f.containsKey("deadline") || !f.containsKey("agent")) {
                return Optional.empty();
            }
            return Optional.of(new Lease(Boolean.parseBoolean(f.get("armed")), Long.parseLong(f.get("deadline")),
                    Long.parseLong(f.get("agent"))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static Map<String, String> fields(String text) {
        Map<String, String> f = new HashMap<>();
        for (String token : text.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                f.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return f;
    }
}
