package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.api.view.PoolNodesRows;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Operation;
import io.raftpool.proto.Primary;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import java.time.ZoneId;
import java.util.Locale;

/** {@code raftpool pool-nodes}: one row per PostgreSQL server, then the primary and its epoch. */
public final class PoolNodesView {
    private PoolNodesView() {}

    public static String text(StateView view, ZoneId zone) {
        ClusterState state = view.getState();
        StringBuilder out = new StringBuilder(Table.render(PoolNodesRows.of(state, zone)));
        out.append('\n').append(primaryLine(state, zone)).append('\n');
        if (state.getOperation().getKind() != Operation.Kind.KIND_NONE) {
            out.append(operationLine(state, zone)).append('\n');
        }
        if (state.hasMaintenance()) {
            out.append(StatusView.maintenanceLine(state.getMaintenance(), zone)).append('\n');
        }
        out.append(servedByLine(view, zone)).append('\n');
        return out.toString();
    }

    static String primaryLine(ClusterState state, ZoneId zone) {
        Primary p = state.getPrimary();
        if (p.getNodeId() < 0 || p.getPhase() == io.raftpool.proto.PrimaryPhase.PHASE_NONE) {
            return "primary: none (epoch " + p.getEpoch() + ")";
        }
        String since = p.getSinceMs() > 0 ? " since " + Formats.localTime(p.getSinceMs(), zone) : "";
        return "primary: node " + Backends.label(state, p.getNodeId()) + ", epoch " + p.getEpoch() + ", "
                + Formats.phase(p.getPhase()) + since;
    }

    static String operationLine(ClusterState state, ZoneId zone) {
        Operation op = state.getOperation();
        StringBuilder line = new StringBuilder("in progress: ").append(kind(op.getKind()))
                .append(" of node ").append(Backends.label(state, op.getTarget()))
                .append(", epoch ").append(op.getEpoch());
        if (!op.getPhase().isEmpty()) {
            line.append(", step ").append(op.getPhase());
            if (op.getPhaseSinceMs() > 0) {
                line.append(" since ").append(Formats.localTime(op.getPhaseSinceMs(), zone));
            }
        }
        if (!op.getReason().isEmpty()) {
            line.append(": ").append(op.getReason());
        }
        return line.toString();
    }

    static String servedByLine(StateView view, ZoneId zone) {
        RaftInfo raft = view.getRaft();
        return "as committed at agent " + Backends.label(view.getState(), raft.getNodeId()) + ": "
                + Formats.raftRole(raft.getRole()) + ", term " + raft.getTerm() + ", applied index " + raft.getAppliedIndex()
                + (view.getServedAtMs() > 0 ? ", " + Formats.localTime(view.getServedAtMs(), zone) : "");
    }

    public static String json(StateView view) {
        ClusterState state = view.getState();
        ObjectNode root = Json.object();
        root.put("cluster_name", state.getClusterName());
        root.set("primary", primaryJson(state));
        var nodes = root.putArray("nodes");
        Backends.byNodeId(state).forEach(b -> nodes.add(Backends.json(state, b)));
        if (state.getOperation().getKind() == Operation.Kind.KIND_NONE) {
            root.putNull("operation");
        } else {
            root.set("operation", operationJson(state.getOperation()));
        }
        root.set("maintenance", StatusView.maintenanceJson(state));
        root.set("served_by", servedByJson(view));
        return Json.write(root);
    }

    static ObjectNode primaryJson(ClusterState state) {
        Primary p = state.getPrimary();
        boolean none = p.getNodeId() < 0 || p.getPhase() == io.raftpool.proto.PrimaryPhase.PHASE_NONE;
        ObjectNode o = Json.object();
        Json.putOrNull(o, "node_id", none ? -1 : p.getNodeId(), -1);
        Json.putOrNull(o, "name", none ? null : Backends.name(state, p.getNodeId()));
        o.put("epoch", p.getEpoch());
        o.put("phase", Formats.phase(p.getPhase()));
        Json.putTime(o, "since", p.getSinceMs());
        return o;
    }

    static ObjectNode operationJson(Operation op) {
        ObjectNode o = Json.object();
        o.put("kind", kind(op.getKind()));
        o.put("epoch", op.getEpoch());
        o.put("target", op.getTarget());
        Json.putOrNull(o, "old_primary", op.getOldPrimary(), -1);
        Json.putOrNull(o, "step", op.getPhase());
        Json.putTime(o, "step_since", op.getPhaseSinceMs());
        Json.putOrNull(o, "reason", op.getReason());
        Json.putTime(o, "started", op.getStartedMs());
        return o;
    }

    static ObjectNode servedByJson(StateView view) {
        RaftInfo raft = view.getRaft();
        ObjectNode o = Json.object();
        o.put("node_id", raft.getNodeId());
        o.put("raft_role", Formats.raftRole(raft.getRole()));
        o.put("term", raft.getTerm());
        o.put("applied_index", raft.getAppliedIndex());
        Json.putTime(o, "served_at", view.getServedAtMs());
        return o;
    }

    private static String kind(Operation.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
