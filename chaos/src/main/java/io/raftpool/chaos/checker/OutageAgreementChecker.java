package io.raftpool.chaos.checker;

import io.raftpool.chaos.checker.Promotions.Promotion;
import io.raftpool.chaos.history.CommittedEvent;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.History.Completed;
import io.raftpool.chaos.history.OpType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Whether the write outages the proxies committed ("outage" events: proxy node, the epoch that
 * ended it, start and duration) agree with what the clients going through those proxies
 * recorded. For each event, from the writes through that proxy (wall clock) since the proxy's
 * previous outage ended and the previous epoch's promotion began:
 *
 * <ul>
 *   <li>L, the last write acknowledged by another server than the new primary before the
 *       proxy's end, and F, the first write invoked after L that was not acknowledged by the old
 *       primary (it failed, was unknown, or waited for the new one);
 *   <li>E, the first write acknowledged by the new primary after the proxy's start.
 * </ul>
 *
 * F is looked for at most {@link #LOOKBACK_MS} before the proxy's start. The run is invalid when
 * the proxy's outage began more than {@link #BOUND_MS} after F (it missed
 * the start: a client could not write and the proxy did not count it), more than that before L
 * (it counted an outage while clients wrote), or ended more than that after E (clients wrote
 * again before it said so). The other directions are reported, not judged: a client whose
 * session was closed while it was idle learns it only at its next write, and the first write on
 * the new primary takes its own time after the proxy routed its connection. Pure.
 */
public final class OutageAgreementChecker implements Checker {
    /** How far apart the proxy's and the clients' outage may be (issue 22). */
    public static final long BOUND_MS = 100;
    /**
     * How long before the proxy's start a lost write is looked for: a failure through a proxy
     * that no client used again for longer (they reconnect through the next one) may have been a
     * blip that ended unseen, not the start of this outage.
     */
    public static final long LOOKBACK_MS = 5_000;

    private final Set<String> writeFs;
    private final Optional<List<CommittedEvent>> events;

    public OutageAgreementChecker(Set<String> writeFs, Optional<List<CommittedEvent>> events) {
        this.writeFs = Set.copyOf(writeFs);
        this.events = events;
    }

    /** The clients' view of one committed outage; times in wall-clock ms, -1 when not seen. */
    record Comparison(long seq, int proxy, long epoch, long startMs, long endMs, long lastOldAck, long firstFailed,
                      long firstNewAck) {
        /** What makes the run invalid, if anything. */
        Optional<String> violation() {
            if (firstFailed >= 0 && startMs - firstFailed > BOUND_MS) {
                return Optional.of("began " + (startMs - firstFailed) + " ms after a write through it failed or waited");
            }
            if (lastOldAck >= 0 && lastOldAck - startMs > BOUND_MS) {
                return Optional.of("began " + (lastOldAck - startMs) + " ms before a write through it was acknowledged by"
                        + " the old primary");
            }
            if (firstNewAck >= 0 && endMs - firstNewAck > BOUND_MS) {
                return Optional.of("ended " + (endMs - firstNewAck) + " ms after a write through it was acknowledged by the"
                        + " new primary");
            }
            return Optional.empty();
        }
    }

    @Override
    public Verdict check(History history) {
        Verdict.Builder v = Verdict.builder("outage agreement");
        if (events.isEmpty()) {
            return v.detail("compared", 0).detail("note", "no committed events: the proxies' outages are not known").build();
        }
        List<CommittedEvent> outages = events.get().stream()
                .filter(e -> e.kind().equals("outage") && e.startedMs() > 0).toList();
        if (outages.isEmpty()) {
            return v.detail("compared", 0).build();
        }
        List<Promotion> promotions = Promotions.of(events.get());
        List<Completed> writes = history.completed(c -> c.invoke().isClient() && !c.invoke().direct()
                && writeFs.contains(c.f()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CommittedEvent o : outages) {
            OptionalLong primary = promotions.stream().filter(p -> p.epoch() == o.epoch()).mapToLong(Promotion::node)
                    .findFirst();
            if (primary.isEmpty()) {
                v.warn("outage event " + o.seq() + ": the primary of epoch " + o.epoch() + " is not known; not compared");
                continue;
            }
            long since = Math.max(promotions.stream().filter(p -> p.epoch() < o.epoch()).mapToLong(Promotion::atMs).max()
                    .orElse(0), outages.stream().filter(x -> x.nodeId() == o.nodeId() && x.seq() != o.seq()
                            && x.startedMs() + x.durationMs() <= o.startedMs())
                    .mapToLong(x -> x.startedMs() + x.durationMs()).max().orElse(0));
            Comparison c = compare(o, (int) primary.getAsLong(), writes, since);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("proxy", c.proxy());
            row.put("epoch", c.epoch());
            row.put("proxy_outage_ms", c.endMs() - c.startMs());
            row.put("start_minus_first_failed_ms", c.firstFailed() < 0 ? null : c.startMs() - c.firstFailed());
            row.put("last_old_ack_minus_start_ms", c.lastOldAck() < 0 ? null : c.lastOldAck() - c.startMs());
            row.put("first_new_ack_minus_end_ms", c.firstNewAck() < 0 ? null : c.firstNewAck() - c.endMs());
            rows.add(row);
            c.violation().ifPresent(why -> v.invalid("the outage the proxy on node " + c.proxy() + " committed for epoch "
                    + c.epoch() + " (event " + c.seq() + ") " + why));
        }
        return v.detail("compared", rows.size()).detail("per_outage", rows).build();
    }

    static Comparison compare(CommittedEvent o, int newPrimary, List<Completed> writes, long sinceMs) {
        long start = o.startedMs();
        long end = start + o.durationMs();
        List<Completed> through = writes.stream().filter(c -> c.invoke().node() == o.nodeId()
                && c.invoke().wallMs() >= sinceMs).toList();
        long lastOldAck = through.stream().filter(c -> c.type() == OpType.OK && c.completion().server() != newPrimary
                && c.completion().wallMs() <= end).mapToLong(c -> c.completion().wallMs()).max().orElse(-1);
        long firstFailed = through.stream().filter(c -> c.invoke().wallMs() > lastOldAck
                && c.invoke().wallMs() >= start - LOOKBACK_MS && c.invoke().wallMs() <= end
                && (c.type() != OpType.OK || c.completion().server() == newPrimary))
                .mapToLong(c -> c.invoke().wallMs()).min().orElse(-1);
        long firstNewAck = through.stream().filter(c -> c.type() == OpType.OK && c.completion().server() == newPrimary
                && c.completion().wallMs() >= start).mapToLong(c -> c.completion().wallMs()).min().orElse(-1);
        return new Comparison(o.seq(), o.nodeId(), o.epoch(), start, end, lastOldAck, firstFailed, firstNewAck);
    }
}
