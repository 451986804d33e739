package io.raftpool.server.agent;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.server.raft.AppliedState;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one log line per committed event (failover, status change, recovery, leader, VIP, ...)
 * as this agent applies it, with the node it is about, the epoch and the reason; with
 * {@code --log-format json} these are the keys {@code event}, {@code event_seq},
 * {@code event_node}, {@code epoch}, {@code reason} and {@code duration_ms}. Events committed
 * before the agent started are history ({@code raftpool events} shows them), not logged again.
 */
final class CommittedEventLog implements Consumer<AppliedState> {
    private static final Logger LOG = LoggerFactory.getLogger(CommittedEventLog.class);

    private final long startedWallMs;
    private long lastSeq = -1;

    CommittedEventLog(long startedWallMs) {
        this.startedWallMs = startedWallMs;
    }

    @Override
    public void accept(AppliedState applied) {
        List<Event> events = newEvents(applied.state(), lastSeq, startedWallMs);
        applied.state().getEventsList().forEach(e -> lastSeq = Math.max(lastSeq, e.getSeq()));
        for (Event e : events) {
            var line = LOG.atInfo().addKeyValue("event", e.getKind()).addKeyValue("event_seq", e.getSeq())
                    .addKeyValue("epoch", e.getEpoch()).addKeyValue("reason", e.getMessage());
            if (e.getNodeId() >= 0) {
                line = line.addKeyValue("event_node", e.getNodeId());
            }
            if (e.getDurationMs() > 0) {
                line = line.addKeyValue("duration_ms", e.getDurationMs());
            }
            line.log(text(e));
        }
    }

    /** The events of {@code state} after sequence number {@code afterSeq}, committed at or after {@code notBeforeMs}. */
    static List<Event> newEvents(ClusterState state, long afterSeq, long notBeforeMs) {
        return state.getEventsList().stream().filter(e -> e.getSeq() > afterSeq && e.getAtMs() >= notBeforeMs).toList();
    }

    /** The line as the text format shows it: {@code event 14 failover (node 1, epoch 2): ... (took 812 ms)}. */
    static String text(Event e) {
        return "event " + e.getSeq() + " " + e.getKind() + " ("
                + (e.getNodeId() >= 0 ? "node " + e.getNodeId() + ", " : "") + "epoch " + e.getEpoch() + "): "
                + e.getMessage() + (e.getDurationMs() > 0 ? " (took " + e.getDurationMs() + " ms)" : "");
    }
}
