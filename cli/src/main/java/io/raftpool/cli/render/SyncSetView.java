package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Quorum;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What status says of replication: the mode, whom the primary waits for, and which standbys a
 * failover may rely on (sync mode's set; quorum mode's set and how many of it must answer).
 */
final class SyncSetView {
    private SyncSetView() {}

    static String mode(ClusterState s) {
        return s.getQuorum().getConfigured() > 0 ? "quorum" : s.getSyncMode() ? "sync" : "async";
    }

    /** How many members of the failover set must answer; 0 when no failover may rely on it now. */
    static int needed(ClusterState s) {
        if (s.getQuorum().getConfigured() > 0) {
            return io.raftpool.api.view.QuorumSize.needed(s);
        }
        return s.getSyncMode() && s.getSyncStandbysCount() > 0 ? 1 : 0;
    }

    static List<Integer> waitsFor(ClusterState s) {
        if (s.getQuorum().getConfigured() > 0) {
            return s.getQuorum().getWaitForList();
        }
        return s.hasSyncTarget() ? List.of(s.getSyncTarget()) : List.of();
    }

    static String text(ClusterState s) {
        String mode = mode(s);
        if (mode.equals("async")) {
            return "replication: async (a failover may lose what the promoted standby had not received)";
        }
        Quorum q = s.getQuorum();
        List<Integer> waits = waitsFor(s);
        String waiting = waits.isEmpty() ? "the primary waits for no standby"
                : "the primary waits for " + (mode.equals("quorum") ? "ANY " + q.getWaitCount() + " of " : "") + names(s, waits);
        String failover = needed(s) == 0 ? "no failover is possible until a standby is synchronous"
                : "a failover " + (mode.equals("quorum") ? "hears from " + needed(s) + " of " : "promotes one of ")
                + names(s, s.getSyncStandbysList());
        return "replication: " + mode + (mode.equals("quorum") ? " (sync_count " + q.getConfigured() + ")" : "") + "; "
                + waiting + "; " + failover;
    }

    static ObjectNode json(ClusterState s) {
        ObjectNode o = Json.object();
        o.put("mode", mode(s));
        Json.putOrNull(o, "sync_count", s.getQuorum().getConfigured() > 0 ? s.getQuorum().getConfigured() : -1, -1);
        ArrayNode waits = o.putArray("waits_for");
        waitsFor(s).forEach(waits::add);
        ArrayNode set = o.putArray("failover_set");
        s.getSyncStandbysList().forEach(set::add);
        Json.putOrNull(o, "failover_needs", needed(s) == 0 ? -1 : needed(s), -1);
        return o;
    }

    private static String names(ClusterState s, List<Integer> ids) {
        return (ids.size() == 1 ? "node " : "nodes ") + ids.stream().map(id -> Backends.label(s, id))
                .collect(Collectors.joining(", "));
    }
}
