package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.api.view.PoolNodesRows;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.Maintenance;
import io.raftpool.proto.Operation;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import io.raftpool.proto.VipHolder;
import java.time.ZoneId;

/**
 * {@code raftpool status}: the whole cluster on one screen: the primary and its epoch, the
 * Raft leader and the VIP, the PostgreSQL servers (as {@code pool-nodes}) and the latest events.
 * Nothing in it changes unless the cluster does (no clock, no applied index), so that
 * {@code status --watch} redraws only when there is something new to see.
 */
public final class StatusView {
    private StatusView() {}

    /**
     * @param events         how many of the latest events to show (0: none)
     * @param contactBoundMs an answering agent that confirmed majority contact within this long is
     *                       "in contact"; beyond it the view may be out of date
     */
    public static String text(StateView view, ZoneId zone, int events, long contactBoundMs) {
        ClusterState state = view.getState();
        StringBuilder out = new StringBuilder();
        out.append("cluster ").append(state.getClusterName()).append(", ")
                .append(PoolNodesView.primaryLine(state, zone)).append('\n');
        if (state.getOperation().getKind() != Operation.Kind.KIND_NONE) {
            out.append(PoolNodesView.operationLine(state, zone)).append('\n');
        }
        if (state.hasMaintenance()) {
            out.append(maintenanceLine(state.getMaintenance(), zone)).append('\n');
        }
        out.append(SyncSetView.text(state)).append('\n');
        out.append(raftLine(view, contactBoundMs)).append('\n');
        out.append("vip: ").append(vipText(state, zone)).append("\n\n");
        out.append(Table.render(PoolNodesRows.of(state, zone)));
        if (events > 0) {
            out.append("\nlatest events:\n").append(EventsView.text(state, events, zone));
        }
        return out.toString();
    }

    static String maintenanceLine(Maintenance m, ZoneId zone) {
        return "MAINTENANCE MODE: paused since " + Formats.localTime(m.getSinceMs(), zone)
                + (m.getBy().isBlank() ? "" : " by " + m.getBy()) + (m.getReason().isBlank() ? "" : " (" + m.getReason() + ")")
                + ", until " + (m.getUntilMs() == 0 ? "raftpool resume" : Formats.localTime(m.getUntilMs(), zone))
                + ": no automatic failover, auto_rejoin or start of a stopped server; fencing goes on";
    }

    static ObjectNode maintenanceJson(ClusterState state) {
        ObjectNode o = Json.object();
        Maintenance m = state.getMaintenance();
        o.put("paused", state.hasMaintenance());
        Json.putTime(o, "since", state.hasMaintenance() ? m.getSinceMs() : 0);
        Json.putTime(o, "until", m.getUntilMs());
        Json.putOrNull(o, "by", state.hasMaintenance() && !m.getBy().isBlank() ? m.getBy() : null);
        Json.putOrNull(o, "reason", state.hasMaintenance() && !m.getReason().isBlank() ? m.getReason() : null);
        return o;
    }

    /** The line above each redrawn view of {@code status --watch}: when it was served. */
    public static String watchHeader(StateView view, ZoneId zone) {
        return "raftpool status, " + Formats.localTime(view.getServedAtMs(), zone) + "\n";
    }

    static String raftLine(StateView view, long contactBoundMs) {
        ClusterState state = view.getState();
        RaftInfo raft = view.getRaft();
        String leader = raft.getLeaderId() < 0 ? "none known" : "node " + Backends.label(state, raft.getLeaderId());
        return "raft: " + state.getNodesCount() + " agents, leader " + leader + ", term " + raft.getTerm()
                + "; agent " + Backends.label(state, raft.getNodeId()) + " answered as "
                + Formats.raftRole(raft.getRole()) + ", " + contactText(raft.getMajorityContactAgeMs(), contactBoundMs);
    }

    static String contactText(long ageMs, long boundMs) {
        if (ageMs < 0) {
            return "NEVER IN CONTACT with the majority";
        }
        if (inContact(ageMs, boundMs)) {
            return "in contact with the majority";
        }
        return "NO CONTACT with the majority for " + Formats.duration(ageMs);
    }

    static boolean inContact(long ageMs, long boundMs) {
        return ageMs >= 0 && ageMs <= boundMs;
    }

    static String vipText(ClusterState state, ZoneId zone) {
        VipHolder vip = state.getVip();
        if (vip.getNodeId() < 0) {
            return "held by no agent";
        }
        return vip.getAddress() + " on node " + Backends.label(state, vip.getNodeId())
                + (vip.getSinceMs() > 0 ? " since " + Formats.localTime(vip.getSinceMs(), zone) : "")
                + ", term " + vip.getTerm();
    }

    /** The same view as JSON (docs/cli-json.md, {@code status --json}). */
    public static ObjectNode json(StateView view, int events, long contactBoundMs) {
        ClusterState state = view.getState();
        RaftInfo raft = view.getRaft();
        ObjectNode root = Json.object();
        root.put("cluster_name", state.getClusterName());
        root.set("primary", PoolNodesView.primaryJson(state));
        if (state.getOperation().getKind() == Operation.Kind.KIND_NONE) {
            root.putNull("operation");
        } else {
            root.set("operation", PoolNodesView.operationJson(state.getOperation()));
        }
        root.set("maintenance", maintenanceJson(state));
        root.set("replication", SyncSetView.json(state));
        ObjectNode watchdog = root.putObject("watchdog");
        watchdog.put("agents_total", state.getNodesCount());
        Json.putOrNull(watchdog, "leader_id", raft.getLeaderId(), -1);
        Json.putOrNull(watchdog, "leader_name", raft.getLeaderId() < 0 ? null : Backends.name(state, raft.getLeaderId()));
        watchdog.put("term", raft.getTerm());
        watchdog.set("fence", WatchdogInfoView.fenceJson(raft)); // this agent's; watchdog-info has every node's
        watchdog.set("vip", vipJson(state));
        ObjectNode servedBy = root.putObject("served_by");
        servedBy.put("node_id", raft.getNodeId());
        Json.putOrNull(servedBy, "name", Backends.name(state, raft.getNodeId()));
        servedBy.put("raft_role", Formats.raftRole(raft.getRole()));
        servedBy.put("majority_contact", inContact(raft.getMajorityContactAgeMs(), contactBoundMs));
        var nodes = root.putArray("nodes");
        Backends.byNodeId(state).forEach(b -> nodes.add(Backends.json(state, b)));
        var latest = root.putArray("events");
        for (Event e : EventsView.latest(state, events)) {
            latest.add(EventsView.eventJson(state, e));
        }
        return root;
    }

    static ObjectNode vipJson(ClusterState state) {
        VipHolder vip = state.getVip();
        boolean held = vip.getNodeId() >= 0;
        ObjectNode o = Json.object();
        Json.putOrNull(o, "holder_id", held ? vip.getNodeId() : -1, -1);
        Json.putOrNull(o, "holder_name", held ? Backends.name(state, vip.getNodeId()) : null);
        Json.putOrNull(o, "address", held ? vip.getAddress() : null);
        Json.putTime(o, "since", held ? vip.getSinceMs() : 0);
        Json.putOrNull(o, "term", held ? vip.getTerm() : -1, -1);
        return o;
    }
}
