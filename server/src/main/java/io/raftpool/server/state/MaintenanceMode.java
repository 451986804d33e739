package io.raftpool.server.state;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Maintenance;
import io.raftpool.proto.SetMaintenance;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Maintenance mode (raftpool pause / resume), committed like every other decision. While it is
 * in force the leader starts no failover and no auto_rejoin and agents start no stopped server,
 * so an operator can stop, restart or upgrade PostgreSQL by hand; what protects data goes on
 * (a primary cut off from the majority is still fenced, S6; promotions are still ordered, S2).
 * Pure.
 */
public final class MaintenanceMode {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private MaintenanceMode() {}

    /** Whether the cluster is paused at {@code wallMs}: paused, and not past its end when it has one. */
    public static boolean pausedAt(ClusterState s, long wallMs) {
        return s.hasMaintenance() && (s.getMaintenance().getUntilMs() == 0 || wallMs < s.getMaintenance().getUntilMs());
    }

    /** Paused with an end that has passed: the leader commits the resume. */
    public static boolean expiredAt(ClusterState s, long wallMs) {
        return s.hasMaintenance() && s.getMaintenance().getUntilMs() != 0 && wallMs >= s.getMaintenance().getUntilMs();
    }

    static Optional<String> validate(ClusterState s, SetMaintenance m) {
        if (!m.getPause() && !s.hasMaintenance()) {
            return Optional.of("the cluster is not paused");
        }
        if (m.getPause() && m.getUntilMs() < 0) {
            return Optional.of("until_ms " + m.getUntilMs() + " is negative; allowed: 0 (until resumed) or a time");
        }
        return Optional.empty();
    }

    static ClusterState apply(ClusterState s, SetMaintenance m, long now) {
        ClusterState.Builder b = s.toBuilder();
        long epoch = s.getPrimary().getEpoch();
        if (m.getPause()) {
            // pausing again changes the end and the reason; the pause still began when it began
            long since = s.hasMaintenance() ? s.getMaintenance().getSinceMs() : now;
            b.setMaintenance(Maintenance.newBuilder().setSinceMs(since).setUntilMs(m.getUntilMs()).setBy(m.getBy())
                    .setReason(m.getReason()));
            return EventLog.withEvent(b, EventLog.event(now, "maintenance", -1, epoch, (s.hasMaintenance()
                    ? "pause changed by " : "paused by ") + who(m.getBy()) + reason(m.getReason()) + ", "
                    + (m.getUntilMs() == 0 ? "until raftpool resume" : "until " + TIME.format(Instant.ofEpochMilli(
                    m.getUntilMs())) + " UTC") + ": no automatic failover, auto_rejoin or start of a stopped server;"
                    + " fencing goes on")).build();
        }
        b.clearMaintenance();
        long seconds = Math.max(0, now - s.getMaintenance().getSinceMs()) / 1000;
        return EventLog.withEvent(b, EventLog.event(now, "maintenance", -1, epoch, "resumed by " + who(m.getBy())
                + reason(m.getReason()) + " after " + seconds + " s paused: automatic failover is on again")).build();
    }

    private static String who(String by) {
        return by.isBlank() ? "an operator" : by;
    }

    private static String reason(String reason) {
        return reason.isBlank() ? "" : " (" + reason + ")";
    }
}
