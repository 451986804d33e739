package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.api.view.TableData;
import io.raftpool.api.view.TableData.Column;
import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Parameter;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What show-parameters prints: every setting that raftpool puts in a server's configuration,
 * where it comes from (the Raft log, for every server or one; the node's config file), which
 * value each server ends up with, and what waits for a restart.
 */
public final class ParametersView {
    private ParametersView() {}

    /** One setting as one server gets it. */
    public record Row(int nodeId, String name, String value, String source, boolean overridden, String context,
                      boolean pendingRestart) {}

    /**
     * Every setting of every server: those kept in the log, and {@code fromConfig} (node id to its
     * postgres.parameters); a config file's value under a logged one is listed as overridden.
     */
    public static List<Row> rows(ClusterState state, Map<Integer, Map<String, String>> fromConfig) {
        List<Row> rows = new ArrayList<>();
        for (Backend b : Backends.byNodeId(state)) {
            int id = b.getNodeId();
            Map<String, Parameter> logged = io.raftpool.api.view.ParameterRows.effective(state, id);
            List<Row> mine = new ArrayList<>();
            fromConfig.getOrDefault(id, Map.of()).forEach((k, v) -> {
                String name = k.toLowerCase(java.util.Locale.ROOT);
                mine.add(new Row(id, name, v, "config file", logged.containsKey(name), "", false));
            });
            logged.values().forEach(p -> mine.add(new Row(id, p.getName(), p.getValue(), p.getNodeId() == -1
                    ? "raft log, every server" : "raft log, this node", false, p.getContext(),
                    b.getPendingRestartList().contains(p.getName()))));
            mine.sort(java.util.Comparator.comparing(Row::name).thenComparing(Row::overridden));
            rows.addAll(mine);
        }
        return rows;
    }

    public static String text(ClusterState state, Map<Integer, Map<String, String>> fromConfig, ZoneId zone) {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows(state, fromConfig)) {
            cells.add(List.of(Backends.label(state, r.nodeId()), r.name(), r.value(), r.source()
                    + (r.overridden() ? " (overridden)" : ""), r.context(), r.pendingRestart() ? "yes" : ""));
        }
        StringBuilder out = new StringBuilder(Table.render(new TableData(List.of(Column.text("node"), Column.text("name"),
                Column.text("value"), Column.text("source"), Column.text("context"), Column.text("pending_restart")),
                cells)));
        out.append("settings version ").append(state.getParametersVersion()).append(" in the raft log");
        for (Backend b : Backends.byNodeId(state)) {
            out.append("\nnode ").append(Backends.label(state, b.getNodeId())).append(": ")
                    .append(b.getParametersApplied() >= state.getParametersVersion() ? "applied" : "applied version "
                            + b.getParametersApplied() + " (not yet the latest)");
            if (b.getPendingRestartCount() > 0) {
                out.append("; pending restart: ").append(String.join(", ", b.getPendingRestartList()));
            }
            if (b.getRestartRequestedMs() > 0) {
                out.append("; restart requested at ").append(Formats.localTime(b.getRestartRequestedMs(), zone));
            }
        }
        return out.append('\n').toString();
    }

    public static String json(ClusterState state, Map<Integer, Map<String, String>> fromConfig) {
        ObjectNode o = Json.object();
        o.put("version", state.getParametersVersion());
        ArrayNode settings = o.putArray("settings");
        for (Row r : rows(state, fromConfig)) {
            ObjectNode s = settings.addObject();
            s.put("node_id", r.nodeId());
            s.put("name", r.name());
            s.put("value", r.value());
            s.put("source", r.overridden() ? "config_overridden" : r.source().equals("config file") ? "config"
                    : r.source().endsWith("every server") ? "cluster" : "node");
            Json.putOrNull(s, "context", r.context());
            s.put("pending_restart", r.pendingRestart());
        }
        ArrayNode servers = o.putArray("servers");
        for (Backend b : Backends.byNodeId(state)) {
            ObjectNode s = servers.addObject();
            s.put("node_id", b.getNodeId());
            s.put("applied_version", b.getParametersApplied());
            b.getPendingRestartList().forEach(s.putArray("pending_restart")::add);
            Json.putTime(s, "restart_requested", b.getRestartRequestedMs());
        }
        return Json.write(o);
    }
}
