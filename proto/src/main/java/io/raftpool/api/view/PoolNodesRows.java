package io.raftpool.api.view;

import io.raftpool.api.view.TableData.Column;
import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code pool-nodes} / {@code show pool_nodes}: one row per PostgreSQL server, by node id (pgpool's columns). */
public final class PoolNodesRows {
    public static final List<Column> COLUMNS = List.of(
            Column.number("node_id"), Column.text("hostname"), Column.number("port"),
            Column.text("status"), Column.text("role"), Column.number("timeline"),
            Column.number("replication_delay"), Column.text("replication_state"),
            Column.text("sync_state"), Column.text("last_status_change"), Column.text("reason"));

    private PoolNodesRows() {}

    public static TableData of(ClusterState state, ZoneId zone) {
        List<List<String>> rows = new ArrayList<>();
        for (Backend b : state.getBackendsList().stream().sorted(Comparator.comparingInt(Backend::getNodeId)).toList()) {
            var node = Cells.node(state, b.getNodeId());
            rows.add(List.of(
                    Integer.toString(b.getNodeId()),
                    node.map(n -> n.getHost()).orElse("?"),
                    node.map(n -> Integer.toString(n.getPgPort())).orElse("?"),
                    Cells.statusText(b),
                    Cells.roleText(state, b),
                    Cells.timelineText(b),
                    Cells.delayText(b),
                    b.getReplicationState(),
                    b.getSyncState(),
                    Cells.localTime(b.getStatusChangedMs(), zone),
                    b.getStatusReason()));
        }
        return new TableData(COLUMNS, rows);
    }
}
