package io.raftpool.server.postgres;

import java.util.List;

/**
 * What pg_controldata says of a stopped server that raftpool needs: whether it was shut down
 * cleanly, and where its last checkpoint is (the end of its WAL after a clean shutdown).
 */
public record ControlData(String clusterState, long checkpointLsn, int timeline) {

    public boolean cleanlyShutDown() {
        return clusterState.equals("shut down") || clusterState.equals("shut down in recovery");
    }

    /** A standby that stopped without a clean shutdown (it was replaying or streaming). */
    public boolean crashedInRecovery() {
        return clusterState.equals("in archive recovery");
    }

    /** Parses pg_controldata's output (LC_MESSAGES=C). */
    public static ControlData parse(List<String> lines) {
        String state = "";
        long lsn = 0;
        int timeline = 0;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "Database cluster state" -> state = value;
                case "Latest checkpoint location" -> lsn = parseLsn(value);
                case "Latest checkpoint's TimeLineID" -> timeline = Integer.parseInt(value);
                default -> { }
            }
        }
        return new ControlData(state, lsn, timeline);
    }

    static long parseLsn(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not an LSN (expected X/Y in hex)");
        }
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }
}
