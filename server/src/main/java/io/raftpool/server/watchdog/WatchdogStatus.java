package io.raftpool.server.watchdog;

import java.util.Map;
import java.util.Optional;

/**
 * What the watchdog process writes about itself on every turn: its pid, whether it guards the
 * server and until when, the last time it fired, and the device it kicks ("off" when none).
 */
public record WatchdogStatus(long pid, boolean armed, long deadlineNanos, long beatNanos, long firedWallMs,
                             int killed, String device) {
    public String format() {
        return "pid=" + pid + " armed=" + armed + " deadline=" + deadlineNanos + " beat=" + beatNanos
                + " fired=" + firedWallMs + " killed=" + killed + " device=" + device + "\n";
    }

    public static Optional<WatchdogStatus> parse(String text) {
        Map<String, String> f = Lease.fields(text);
        try {
            return Optional.of(new WatchdogStatus(Long.parseLong(f.get("pid")), Boolean.parseBoolean(f.get("armed")),
                    Long.parseLong(f.get("deadline")), Long.parseLong(f.get("beat")), Long.parseLong(f.get("fired")),
                    Integer.parseInt(f.get("killed")), f.getOrDefault("device", "off")));
        } catch (NumberFormatException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
