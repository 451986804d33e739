package io.raftpool.server.leader;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the primary said about its replication, in one probe: the standbys streaming from it,
 * its own WAL position (read before the rows) and the synchronous_standby_names it uses.
 */
public record ReplicationView(Map<Integer, Standby> standbys, long primaryLsn, String syncStandbyNames) {
    /** A streaming standby's row: sync_state ("async", "sync", "potential", "quorum") and flushed position. */
    public record Standby(String syncState, long flushLsn) {}

    public ReplicationView {
        standbys = Map.copyOf(standbys);
    }

    /** Node id to sync_state, as sync mode reads it. */
    public Map<Integer, String> syncStates() {
        return standbys.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                e -> e.getValue().syncState()));
    }
}
