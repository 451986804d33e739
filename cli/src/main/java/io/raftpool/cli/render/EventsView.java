package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code raftpool events}: the committed history, oldest first, the latest {@code limit} of it. */
public final class EventsView {
    private static final List<Table.Column> COLUMNS = List.of(
            Table.Column.number("seq"), Table.Column.text("time"), Table.Column.text("kind"),
            Table.Column.number("node"), Table.Column.number("epoch"), Table.Column.text("message"),
            Table.Column.number("duration"));

    private EventsView() {}

    public static List<Event> latest(ClusterState state, int limit) {
        List<Event> all = state.getEventsList().stream().sorted(Comparator.comparingLong(Event::getSeq)).toList();
        return all.subList(Math.max(0, all.size() - limit), all.size());
    }

    public static String text(ClusterState state, int limit, ZoneId zone) {
        List<List<String>> rows = new ArrayList<>();
        for (Event e : latest(state, limit)) {
            rows.add(List.of(Long.toString(e.getSeq()), Formats.localTime(e.getAtMs(), zone), e.getKind(),
                    e.getNodeId() < 0 ? "" : Integer.toString(e.getNodeId()), Long.toString(e.getEpoch()),
                    e.getMessage(), Formats.duration(e.getDurationMs())));
        }
        return new Table(COLUMNS, rows).render();
    }

    public static String json(ClusterState state, int limit) {
        ObjectNode root = Json.object();
        var events = root.putArray("events");
        for (Event e : latest(state, limit)) {
            ObjectNode o = events.addObject();
            o.put("seq", e.getSeq());
            Json.putTime(o, "at", e.getAtMs());
            o.put("kind", e.getKind());
            Json.putOrNull(o, "node_id", e.getNodeId(), -1);
            Json.putOrNull(o, "node_name", e.getNodeId() < 0 ? null : Backends.name(state, e.getNodeId()));
            o.put("epoch", e.getEpoch());
            o.put("message", e.getMessage());
            Json.putOrNull(o, "duration_ms", e.getDurationMs(), 0);
        }
        return Json.write(root);
    }
}
