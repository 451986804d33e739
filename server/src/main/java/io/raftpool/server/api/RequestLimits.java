package io.raftpool.server.api;

import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.SwitchoverRequest;
import io.raftpool.proto.WatchRequest;
import java.util.Optional;

/**
 * The values an admin request may carry at all, whatever the cluster's state: a request outside
 * them is refused with INVALID_ARGUMENT before anything else looks at it. Pure functions.
 * (Whether a node id names a node of this cluster is the state's question: {@link AdminChecks}.)
 */
public final class RequestLimits {
    /** The config's node ids: 0 to 9999. */
    public static final int MAX_NODE_ID = 9999;
    /** How long a waiting request may wait: an hour. */
    public static final long MAX_TIMEOUT_MS = 3_600_000;
    /** How often a watch may ask for a heartbeat view, at the slowest: a minute. */
    public static final long MAX_HEARTBEAT_MS = 60_000;
    /** The largest request the admin API reads; every real request is a few bytes. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private RequestLimits() {}

    public static Optional<String> check(NodeRequest r) {
        if (r.getNodeId() < 0 || r.getNodeId() > MAX_NODE_ID) {
            return Optional.of("node_id " + r.getNodeId() + " is out of range; allowed: 0 to " + MAX_NODE_ID
                    + " (the id of a node in the config)");
        }
        return timeout(r.getTimeoutMs());
    }

    public static Optional<String> check(SwitchoverRequest r) {
        if (r.getTarget() < -1 || r.getTarget() > MAX_NODE_ID) {
            return Optional.of("target " + r.getTarget() + " is out of range; allowed: -1 (the best standby) or 0 to "
                    + MAX_NODE_ID + " (the id of a node in the config)");
        }
        return timeout(r.getTimeoutMs());
    }

    /** The longest note an operator may record. */
    public static final int MAX_NOTE_CHARS = 200;

    public static Optional<String> check(io.raftpool.proto.NoteRequest r) {
        String t = r.getText();
        if (t.isBlank() || t.length() > MAX_NOTE_CHARS || t.contains("\n") || t.contains("\r")) {
            return Optional.of("the note is " + (t.isBlank() ? "empty" : t.length() > MAX_NOTE_CHARS ? t.length()
                    + " characters long" : "more than one line") + "; allowed: one line of 1 to " + MAX_NOTE_CHARS
                    + " characters");
        }
        return timeout(r.getTimeoutMs());
    }

    /** The longest pause with an end: a week (a pause without one lasts until resumed). */
    public static final long MAX_PAUSE_MS = 7L * 24 * 3_600_000;
    /** Who paused, as user@host. */
    public static final int MAX_BY_CHARS = 100;

    public static Optional<String> check(io.raftpool.proto.PauseRequest r) {
        if (r.getDurationMs() < 0 || r.getDurationMs() > MAX_PAUSE_MS) {
            return Optional.of("duration_ms " + r.getDurationMs() + " is out of range; allowed: 0 (until resumed) to "
                    + MAX_PAUSE_MS + " (7 days)");
        }
        Optional<String> reason = oneLine("reason", r.getReason(), MAX_NOTE_CHARS);
        if (reason.isPresent()) {
            return reason;
        }
        Optional<String> by = oneLine("by", r.getBy(), MAX_BY_CHARS);
        return by.isPresent() ? by : timeout(r.getTimeoutMs());
    }

    /** The most settings one set-parameter changes. */
    public static final int MAX_PARAMETER_CHANGES = 100;
    /** PostgreSQL's identifiers: 63 bytes (an extension's setting: two of them and a dot). */
    public static final int MAX_PARAMETER_NAME_CHARS = 127;
    public static final int MAX_PARAMETER_VALUE_CHARS = 1024;

    public static Optional<String> check(io.raftpool.proto.SetParametersRequest r) {
        if (r.getChangesCount() == 0 || r.getChangesCount() > MAX_PARAMETER_CHANGES) {
            return Optional.of(r.getChangesCount() + " settings in one request; allowed: 1 to " + MAX_PARAMETER_CHANGES);
        }
        for (io.raftpool.proto.ParameterChange c : r.getChangesList()) {
            if (c.getName().isEmpty() || c.getName().length() > MAX_PARAMETER_NAME_CHARS) {
                return Optional.of("a setting name of " + c.getName().length() + " characters; allowed: 1 to "
                        + MAX_PARAMETER_NAME_CHARS);
            }
            Optional<String> value = oneLine("value of " + c.getName(), c.getValue(), MAX_PARAMETER_VALUE_CHARS);
            if (value.isPresent()) {
                return value;
            }
            if (c.getNodeId() < -1 || c.getNodeId() > MAX_NODE_ID) {
                return Optional.of("node_id " + c.getNodeId() + " is out of range; allowed: -1 (every server) or 0 to "
                        + MAX_NODE_ID);
            }
        }
        Optional<String> by = oneLine("by", r.getBy(), MAX_BY_CHARS);
        return by.isPresent() ? by : timeout(r.getTimeoutMs());
    }

    public static Optional<String> check(io.raftpool.proto.RestartRequest r) {
        if (r.getNodeId() < 0 || r.getNodeId() > MAX_NODE_ID) {
            return Optional.of("node_id " + r.getNodeId() + " is out of range; allowed: 0 to " + MAX_NODE_ID
                    + " (the id of a node in the config)");
        }
        Optional<String> by = oneLine("by", r.getBy(), MAX_BY_CHARS);
        return by.isPresent() ? by : timeout(r.getTimeoutMs());
    }

    /** raftpool backup: node_id -1 lets the cluster pick the standby. */
    public static Optional<String> checkBackup(io.raftpool.proto.RestartRequest r) {
        if (r.getNodeId() < -1 || r.getNodeId() > MAX_NODE_ID) {
            return Optional.of("node_id " + r.getNodeId() + " is out of range; allowed: -1 (the standby least behind)"
                    + " or 0 to " + MAX_NODE_ID + " (the id of a node in the config)");
        }
        return check(r.toBuilder().setNodeId(0).build());
    }

    private static Optional<String> oneLine(String field, String text, int max) {
        if (text.length() > max || text.contains("\n") || text.contains("\r")) {
            return Optional.of("the " + field + " is " + (text.length() > max ? text.length() + " characters long"
                    : "more than one line") + "; allowed: one line of up to " + max + " characters");
        }
        return Optional.empty();
    }

    public static Optional<String> check(WatchRequest r) {
        if (r.getHeartbeatMs() < 0 || r.getHeartbeatMs() > MAX_HEARTBEAT_MS) {
            return Optional.of("heartbeat_ms " + r.getHeartbeatMs() + " is out of range; allowed: 0 (the agent's"
                    + " default) to " + MAX_HEARTBEAT_MS);
        }
        return Optional.empty();
    }

    private static Optional<String> timeout(long ms) {
        if (ms < 0 || ms > MAX_TIMEOUT_MS) {
            return Optional.of("timeout_ms " + ms + " is out of range; allowed: 0 (the default, 30 s) to "
                    + MAX_TIMEOUT_MS + " (1 h)");
        }
        return Optional.empty();
    }
}
