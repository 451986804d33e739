package io.raftpool.api.view;

import io.raftpool.api.view.TableData.Column;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code events} / {@code show events}: the committed history, oldest first, the latest {@code limit} of it. */
public final class EventRows {
    public static final List<Column> COLUMNS = List.of(
            Column.number("seq"), Column.text("time"), Column.text("kind"),
            Column.number("node"), Column.number("epoch"), Column.text("message"),
            Column.number("duration"));

    private EventRows() {}

    public static List<Event> latest(ClusterState state, int limit) {
        List<Event> all = state.getEventsList().stream().sorted(Comparator.comparingLong(Event::getSeq)).toList();
        return all.subList(Math.max(0, all.size() - limit), all.size());
    }

    public static TableData of(ClusterState state, int limit, ZoneId zone) {
        List<List<String>> rows = new ArrayList<>();
        for (Event e : latest(state, limit)) {
            rows.add(List.of(Long.toString(e.getSeq()), Cells.localTime(e.getAtMs(), zone), e.getKind(),
                    e.getNodeId() < 0 ? "" : Integer.toString(e.getNodeId()), Long.toString(e.getEpoch()),
                    e.getMessage(), Cells.duration(e.getDurationMs())));
        }
        return new TableData(COLUMNS, rows);
    }
}
