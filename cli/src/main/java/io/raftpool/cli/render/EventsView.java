package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.api.view.EventRows;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import java.time.ZoneId;
import java.util.List;

/** {@code raftpool events}: the committed history, oldest first, the latest {@code limit} of it. */
public final class EventsView {
    private EventsView() {}

    public static List<Event> latest(ClusterState state, int limit) {
        return EventRows.latest(state, limit);
    }

    public static String text(ClusterState state, int limit, ZoneId zone) {
        return Table.render(EventRows.of(state, limit, zone));
    }

    public static String json(ClusterState state, int limit) {
        ObjectNode root = Json.object();
        var events = root.putArray("events");
        for (Event e : latest(state, limit)) {
            events.add(eventJson(state, e));
        }
        return Json.write(root);
    }

    /** One event as {@code events --json} and {@code status --json} print it. */
    static ObjectNode eventJson(ClusterState state, Event e) {
        ObjectNode o = Json.object();
        o.put("seq", e.getSeq());
        Json.putTime(o, "at", e.getAtMs());
        o.put("kind", e.getKind());
        Json.putOrNull(o, "node_id", e.getNodeId(), -1);
        Json.putOrNull(o, "node_name", e.getNodeId() < 0 ? null : Backends.name(state, e.getNodeId()));
        o.put("epoch", e.getEpoch());
        o.put("message", e.getMessage());
        Json.putOrNull(o, "duration_ms", e.getDurationMs(), 0);
        return o;
    }
}
