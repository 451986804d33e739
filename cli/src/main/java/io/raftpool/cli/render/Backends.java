package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.api.view.Cells;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.PrimaryPhase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Lookups in a committed state, and the one JSON shape of a backend (pool-nodes and node-info). */
final class Backends {
    private Backends() {}

    static Optional<NodeInfo> node(ClusterState state, int id) {
        return state.getNodesList().stream().filter(n -> n.getId() == id).findFirst();
    }

    static Optional<Backend> backend(ClusterState state, int id) {
        return state.getBackendsList().stream().filter(b -> b.getNodeId() == id).findFirst();
    }

    static List<Backend> byNodeId(ClusterState state) {
        return state.getBackendsList().stream().sorted(Comparator.comparingInt(Backend::getNodeId)).toList();
    }

    /** "1 (pgsql2)", "1" when the node has no name in the state, "none" for -1. */
    static String label(ClusterState state, int id) {
        if (id < 0) {
            return "none";
        }
        return node(state, id).map(n -> id + " (" + n.getName() + ")").orElse(Integer.toString(id));
    }

    static String name(ClusterState state, int id) {
        return node(state, id).map(NodeInfo::getName).orElse(null);
    }

    /** The status with what qualifies it: "up", "up (detached)", "down (needs recovery)". */
    static String statusText(Backend b) {
        return Cells.statusText(b);
    }

    /** Whether this server is the primary of the newest epoch (being promoted, or active). */
    static boolean currentPrimary(ClusterState state, int nodeId) {
        return Cells.currentPrimary(state, nodeId);
    }

    /** The committed role; a primary that another has replaced keeps its role until rebuilt: "primary (old)". */
    static String roleText(ClusterState state, Backend b) {
        return Cells.roleText(state, b);
    }

    static String delayText(Backend b) {
        return Cells.delayText(b);
    }

    static String timelineText(Backend b) {
        return Cells.timelineText(b);
    }

    static ObjectNode json(ClusterState state, Backend b) {
        Optional<NodeInfo> node = node(state, b.getNodeId());
        ObjectNode o = Json.object();
        o.put("node_id", b.getNodeId());
        Json.putOrNull(o, "name", node.map(NodeInfo::getName).orElse(null));
        Json.putOrNull(o, "hostname", node.map(NodeInfo::getHost).orElse(null));
        Json.putOrNull(o, "port", node.map(NodeInfo::getPgPort).orElse(0), 0);
        o.put("status", Formats.status(b.getStatus()));
        o.put("detached", b.getDetached());
        o.put("needs_recovery", b.getNeedsRecovery());
        o.put("role", Formats.role(b.getRole()));
        o.put("current_primary", currentPrimary(state, b.getNodeId()));
        Json.putOrNull(o, "timeline", b.getTimeline(), 0);
        o.put("wal_lsn", Formats.lsn(b.getWalLsn()));
        Json.putTime(o, "wal_reported", b.getWalReportedMs());
        Json.putOrNull(o, "replication_delay", b.getLagBytes() < 0 ? -1 : b.getLagBytes(), -1);
        Json.putOrNull(o, "replication_state", b.getReplicationState());
        Json.putOrNull(o, "sync_state", b.getSyncState());
        Json.putTime(o, "last_status_change", b.getStatusChangedMs());
        Json.putOrNull(o, "status_reason", b.getStatusReason());
        Json.putTime(o, "role_changed", b.getRoleChangedMs());
        b.getPendingRestartList().forEach(o.putArray("pending_restart")::add);
        Json.putTime(o, "restart_requested", b.getRestartRequestedMs());
        return o;
    }
}
