package io.raftpool.cli.render;

import io.raftpool.api.view.Cells;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.Health;
import io.raftpool.proto.PrimaryPhase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Words and numbers as the tables and the JSON show them. Zero times mean "never". */
public final class Formats {
    // always with milliseconds, so every time in the JSON has the same shape
    private static final DateTimeFormatter ISO_UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Formats() {}

    public static String status(BackendStatus status) {
        return Cells.status(status);
    }

    public static String role(BackendRole role) {
        return Cells.role(role);
    }

    public static String health(Health health) {
        return switch (health) {
            case HEALTHY -> "healthy";
            case UNREACHABLE -> "unreachable";
            case NOT_RUNNING -> "not running";
            default -> "unknown";
        };
    }

    public static String phase(PrimaryPhase phase) {
        return switch (phase) {
            case BOOTSTRAPPING -> "bootstrapping";
            case PROMOTING -> "promoting";
            case ACTIVE -> "active";
            default -> "none";
        };
    }

    /** Local wall-clock time, like pgpool's last_status_change; "" for never. */
    public static String localTime(long epochMs, ZoneId zone) {
        return Cells.localTime(epochMs, zone);
    }

    /** ISO-8601 in UTC for the JSON; null for never. */
    public static String isoTime(long epochMs) {
        return epochMs <= 0 ? null : ISO_UTC.format(Instant.ofEpochMilli(epochMs));
    }

    /** A WAL position the way PostgreSQL prints one: 0/3000060. */
    public static String lsn(long lsn) {
        return String.format(Locale.ROOT, "%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }

    /** 850ms, 1.25s, 3m05s; "" for zero (not the end of a step). */
    public static String duration(long ms) {
        return Cells.duration(ms);
    }

    /** Raft roles in lower case, as the rest of the output writes words. */
    public static String raftRole(String role) {
        return Cells.raftRole(role);
    }

    public static String yesNo(boolean value) {
        return Cells.yesNo(value);
    }

    public static String blankIfEmpty(String text) {
        return text == null ? "" : text;
    }
}
