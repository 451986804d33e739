package io.raftpool.server.state;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;

/** The committed state's event list: numbered in order, the oldest dropped beyond {@link #MAX_EVENTS}. */
final class EventLog {
    static final int MAX_EVENTS = 200;

    private EventLog() {}

    static Event.Builder event(long now, String kind, int node, long epoch, String message) {
        return Event.newBuilder().setAtMs(now).setKind(kind).setNodeId(node).setEpoch(epoch).setMessage(message);
    }

    static ClusterState.Builder withEvent(ClusterState.Builder b, Event.Builder e) {
        b.addEvents(e.setSeq(b.getNextEventSeq()));
        b.setNextEventSeq(b.getNextEventSeq() + 1);
        while (b.getEventsCount() > MAX_EVENTS) {
            b.removeEvents(0);
        }
        return b;
    }
}
