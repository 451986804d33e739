package io.raftpool.api.view;

import io.raftpool.api.view.TableData.Column;
import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Parameter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** {@code show parameters}: the settings kept in the Raft log, as each server gets them, and what waits for a restart. */
public final class ParameterRows {
    public static final List<Column> COLUMNS = List.of(Column.number("node_id"), Column.text("name"),
            Column.text("value"), Column.text("scope"), Column.text("context"), Column.text("pending_restart"));

    private ParameterRows() {}

    /** The settings kept in the log that apply to {@code nodeId}'s server, by name: its own over the cluster's (-1). */
    public static SortedMap<String, Parameter> effective(ClusterState s, int nodeId) {
        SortedMap<String, Parameter> m = new TreeMap<>();
        s.getParametersList().stream().filter(p -> p.getNodeId() == -1).forEach(p -> m.put(p.getName(), p));
        s.getParametersList().stream().filter(p -> p.getNodeId() == nodeId).forEach(p -> m.put(p.getName(), p));
        return m;
    }

    public static TableData of(ClusterState state) {
        List<List<String>> rows = new ArrayList<>();
        for (Backend b : state.getBackendsList().stream().sorted(Comparator.comparingInt(Backend::getNodeId)).toList()) {
            for (Parameter p : effective(state, b.getNodeId()).values()) {
                rows.add(List.of(Integer.toString(b.getNodeId()), p.getName(), p.getValue(),
                        p.getNodeId() == -1 ? "every server" : "this node", p.getContext(),
                        b.getPendingRestartList().contains(p.getName()) ? "yes" : ""));
            }
        }
        return new TableData(COLUMNS, rows);
    }
}
