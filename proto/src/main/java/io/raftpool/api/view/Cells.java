package io.raftpool.api.view;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.PrimaryPhase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The words and numbers of the status tables, one implementation for the CLI and the admin
 * console. Zero times mean "never" and show as an empty cell.
 */
public final class Cells {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private Cells() {}

    public static String status(BackendStatus status) {
        return switch (status) {
            case UP -> "up";
            case DOWN -> "down";
            case RECOVERING -> "recovering";
            default -> "unknown";
        };
    }

    public static String role(BackendRole role) {
        return switch (role) {
            case PRIMARY -> "primary";
            case STANDBY -> "standby";
            default -> "unknown";
        };
    }

    /** Local wall-clock time, like pgpool's last_status_change; "" for never. */
    public static String localTime(long epochMs, ZoneId zone) {
        return epochMs <= 0 ? "" : LOCAL.format(Instant.ofEpochMilli(epochMs).atZone(zone));
    }

    /** 850ms, 1.25s, 3m05s; "" for zero (not the end of a step). */
    public static String duration(long ms) {
        if (ms <= 0) {
            return "";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            String seconds = String.format(Locale.ROOT, "%.2f", ms / 1000.0).replaceAll("\\.?0+$", "");
            return seconds + "s";
        }
        return String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms % 60_000) / 1000);
    }

    /** Raft roles in lower case, as the rest of the output writes words. */
    public static String raftRole(String role) {
        return role.isEmpty() ? "unknown" : role.toLowerCase(Locale.ROOT);
    }

    public static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    public static Optional<NodeInfo> node(ClusterState state, int id) {
        return state.getNodesList().stream().filter(n -> n.getId() == id).findFirst();
    }

    /** The status with what qualifies it: "up", "up (detached)", "down (needs recovery)". */
    public static String statusText(Backend b) {
        List<String> flags = new ArrayList<>();
        if (b.getDetached()) {
            flags.add("detached");
        }
        if (b.getNeedsRecovery()) {
            flags.add("needs recovery");
        }
        if (b.getRestartRequestedMs() > 0) {
            flags.add("restarting");
        } else if (b.getPendingRestartCount() > 0) {
            flags.add("pending restart");
        }
        String status = status(b.getStatus());
        return flags.isEmpty() ? status : status + " (" + String.join(", ", flags) + ")";
    }

    /** Whether this server is the primary of the newest epoch (being promoted, or active). */
    public static boolean currentPrimary(ClusterState state, int nodeId) {
        return state.getPrimary().getPhase() != PrimaryPhase.PHASE_NONE && state.getPrimary().getNodeId() == nodeId;
    }

    /** The committed role; a primary that another has replaced keeps its role until rebuilt: "primary (old)". */
    public static String roleText(ClusterState state, Backend b) {
        String role = role(b.getRole());
        return b.getRole() == BackendRole.PRIMARY && !currentPrimary(state, b.getNodeId()) ? role + " (old)" : role;
    }

    public static String delayText(Backend b) {
        return b.getLagBytes() < 0 ? "" : Long.toString(b.getLagBytes());
    }

    public static String timelineText(Backend b) {
        return b.getTimeline() <= 0 ? "" : Long.toString(b.getTimeline());
    }
}
