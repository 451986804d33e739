package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.api.view.TableData;
import io.raftpool.api.view.TableData.Column;
import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Observation;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code raftpool node-info N}: the node as committed, its backend, and what each agent last saw of it. */
public final class NodeInfoView {
    private static final List<Column> OBSERVATION_COLUMNS = List.of(
            Column.text("observer"), Column.text("health"), Column.text("role"),
            Column.number("timeline"), Column.text("streaming"), Column.text("wal_lsn"),
            Column.number("lag_bytes"), Column.text("at"), Column.text("detail"));

    private NodeInfoView() {}

    /** The node as the committed state knows it; empty when the cluster has not taken it in. */
    public static Optional<NodeInfo> node(ClusterState state, int id) {
        return Backends.node(state, id);
    }

    /** Requires {@link #node} to be present. */
    public static String text(ClusterState state, int id, ZoneId zone) {
        NodeInfo n = node(state, id).orElseThrow(() -> new IllegalArgumentException("node " + id + " is not in the state"));
        StringBuilder out = new StringBuilder("node ").append(id).append(" (").append(n.getName()).append(")\n");
        List<Map.Entry<String, String>> facts = new ArrayList<>(List.of(
                Map.entry("host", n.getHost()),
                Map.entry("raft_port", Integer.toString(n.getRaftPort())),
                Map.entry("admin_port", Integer.toString(n.getAdminPort())),
                Map.entry("proxy", n.getProxyRwPort() > 0
                        ? "rw port " + n.getProxyRwPort() + ", ro port " + n.getProxyRoPort() : "none")));
        if (n.getWitness()) {
            facts.add(Map.entry("postgres", "none (witness: an agent that only votes and observes)"));
        } else {
            facts.add(Map.entry("pg_port", Integer.toString(n.getPgPort())));
            facts.add(Map.entry("pg_data_dir", n.getPgDataDir()));
            facts.add(Map.entry("priority", Integer.toString(n.getPriority())));
            facts.add(Map.entry("nofailover", Formats.yesNo(n.getNofailover())));
        }
        out.append(keyValues(facts));
        Optional<Backend> backend = Backends.backend(state, id);
        if (backend.isPresent()) {
            Backend b = backend.get();
            out.append("\nbackend\n").append(keyValues(List.of(
                    Map.entry("status", Backends.statusText(b)),
                    Map.entry("role", Backends.roleText(state, b)),
                    Map.entry("primary_epoch", Backends.currentPrimary(state, id)
                            ? state.getPrimary().getEpoch() + " (" + Formats.phase(state.getPrimary().getPhase()) + ")" : ""),
                    Map.entry("timeline", Backends.timelineText(b)),
                    Map.entry("wal_lsn", Formats.lsn(b.getWalLsn()) + reported(b.getWalReportedMs(), zone)),
                    Map.entry("replication_delay", b.getLagBytes() < 0 ? "unknown" : b.getLagBytes() + " bytes"),
                    Map.entry("replication_state", b.getReplicationState()),
                    Map.entry("sync_state", b.getSyncState()),
                    Map.entry("last_status_change", Formats.localTime(b.getStatusChangedMs(), zone)),
                    Map.entry("reason", b.getStatusReason()),
                    Map.entry("role_changed", Formats.localTime(b.getRoleChangedMs(), zone)))));
        }
        List<List<String>> rows = new ArrayList<>();
        for (Observation o : observations(state, id)) {
            rows.add(List.of(
                    Backends.label(state, o.getObserver()), Formats.health(o.getHealth()), Formats.role(o.getRole()),
                    o.getTimeline() > 0 ? Long.toString(o.getTimeline()) : "",
                    Formats.yesNo(o.getStreaming()), Formats.lsn(o.getWalLsn()),
                    o.getLagBytes() < 0 ? "" : Long.toString(o.getLagBytes()),
                    Formats.localTime(o.getAtMs(), zone), o.getDetail()));
        }
        if (!n.getWitness()) {
            out.append("\nobservations (the latest committed of each agent)\n")
                    .append(Table.render(new TableData(OBSERVATION_COLUMNS, rows)));
        }
        return out.toString();
    }

    public static String json(ClusterState state, int id) {
        NodeInfo n = node(state, id).orElseThrow(() -> new IllegalArgumentException("node " + id + " is not in the state"));
        ObjectNode root = Json.object();
        ObjectNode node = root.putObject("node");
        node.put("node_id", n.getId());
        node.put("name", n.getName());
        node.put("host", n.getHost());
        node.put("raft_port", n.getRaftPort());
        node.put("admin_port", n.getAdminPort());
        Json.putOrNull(node, "proxy_rw_port", n.getProxyRwPort(), 0);
        Json.putOrNull(node, "proxy_ro_port", n.getProxyRoPort(), 0);
        node.put("witness", n.getWitness());
        Json.putOrNull(node, "pg_port", n.getWitness() ? 0 : n.getPgPort(), 0);
        Json.putOrNull(node, "pg_data_dir", n.getWitness() ? null : n.getPgDataDir());
        if (n.getWitness()) {
            node.putNull("priority");
            node.putNull("nofailover");
        } else {
            node.put("priority", n.getPriority());
            node.put("nofailover", n.getNofailover());
        }
        Optional<Backend> backend = Backends.backend(state, id);
        if (backend.isPresent()) {
            root.set("backend", Backends.json(state, backend.get()));
        } else {
            root.putNull("backend");
        }
        Json.putOrNull(root, "primary_epoch", Backends.currentPrimary(state, id) ? state.getPrimary().getEpoch() : -1, -1);
        var observations = root.putArray("observations");
        for (Observation o : observations(state, id)) {
            ObjectNode j = observations.addObject();
            j.put("observer_id", o.getObserver());
            Json.putOrNull(j, "observer_name", Backends.name(state, o.getObserver()));
            j.put("health", Formats.health(o.getHealth()));
            j.put("role", Formats.role(o.getRole()));
            Json.putOrNull(j, "timeline", o.getTimeline(), 0);
            j.put("streaming", o.getStreaming());
            j.put("wal_lsn", Formats.lsn(o.getWalLsn()));
            Json.putOrNull(j, "lag_bytes", o.getLagBytes() < 0 ? -1 : o.getLagBytes(), -1);
            Json.putOrNull(j, "detail", o.getDetail());
            Json.putTime(j, "at", o.getAtMs());
        }
        return Json.write(root);
    }

    private static List<Observation> observations(ClusterState state, int id) {
        return state.getObservationsList().stream().filter(o -> o.getSubject() == id)
                .sorted(Comparator.comparingInt(Observation::getObserver)).toList();
    }

    private static String reported(long ms, ZoneId zone) {
        return ms > 0 ? " (reported " + Formats.localTime(ms, zone) + ")" : "";
    }

    static String keyValues(List<Map.Entry<String, String>> entries) {
        int width = entries.stream().mapToInt(e -> e.getKey().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : entries) {
            String line = "  " + e.getKey() + " ".repeat(width - e.getKey().length()) + "  " + e.getValue();
            out.append(line.stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
