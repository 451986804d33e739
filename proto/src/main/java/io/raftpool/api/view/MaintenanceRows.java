package io.raftpool.api.view;

import io.raftpool.api.view.TableData.Column;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Maintenance;
import java.time.ZoneId;
import java.util.List;

/**
 * {@code show maintenance}: whether automatic failover is paused, since when, until when, by whom
 * and why; one row, so that a monitoring query can read it as psql {@code -At} prints it.
 */
public final class MaintenanceRows {
    public static final List<Column> COLUMNS = List.of(
            Column.text("paused"), Column.text("since"), Column.text("until"), Column.text("by"),
            Column.text("reason"));

    private MaintenanceRows() {}

    public static TableData of(ClusterState state, ZoneId zone) {
        if (!state.hasMaintenance()) {
            return new TableData(COLUMNS, List.of(List.of(Cells.yesNo(false), "", "", "", "")));
        }
        Maintenance m = state.getMaintenance();
        String until = m.getUntilMs() == 0 ? "resume" : Cells.localTime(m.getUntilMs(), zone);
        return new TableData(COLUMNS, List.of(List.of(Cells.yesNo(true), Cells.localTime(m.getSinceMs(), zone), until,
                m.getBy(), m.getReason())));
    }
}
