package io.raftpool.chaos.checker;

import io.raftpool.chaos.checker.Promotions.Promotion;
import io.raftpool.chaos.history.CommittedEvent;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.History.Completed;
import io.raftpool.chaos.history.Op;
import io.raftpool.chaos.history.OpType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * No commit by a server after another server's promotion began (S6), for every client: through
 * a proxy or direct. Judged from the acknowledged writes (the server that took each one) and the
 * committed events ({@link Promotions}: when each promotion began).
 *
 * <p>A write's commit happened somewhere between its invocation and its acknowledgement. So a
 * write acknowledged by server S and <em>invoked</em> after the latest promotion that had begun
 * by then was of another server certainly committed in the overlap: invalid, unless S's own
 * promotion began while it was in flight (a proxy holds a new connection through a failover
 * and routes it to the new primary once promoted). A write in flight
 * across the beginning of another server's promotion may have committed just before it: it
 * proves nothing, and is a warning naming the operations (a frozen backend that commits when it
 * is resumed looks like this). Times are wall-clock milliseconds: the events' (the leader's
 * clock) and the history's (the chaos process's) are one machine's clock.
 */
public final class OverlapChecker implements Checker {
    public static final String NAME = "overlap";
    private static final int LIST_AT_MOST = 10;

    private final Set<String> writeFs;
    private final Optional<List<CommittedEvent>> events;

    /** {@code events}: the committed events the run gathered; empty when they are not known (nothing can be judged). */
    public OverlapChecker(Set<String> writeFs, Optional<List<CommittedEvent>> events) {
        this.writeFs = Set.copyOf(writeFs);
        this.events = events.map(List::copyOf);
    }

    /** Acknowledged writes of one server after (or across) one other server's promotion began. */
    record Overlap(int server, Promotion promotion, List<Completed> writes) {}

    @Override
    public Verdict check(History history) {
        Verdict.Builder v = Verdict.builder(NAME);
        if (events.isEmpty() || events.get().isEmpty()) {
            return v.unknown("no committed event is known: cannot tell when promotions began").build();
        }
        List<Promotion> promotions = Promotions.of(events.get());
        List<Completed> writes = history.completed(c -> c.invoke().isClient() && writeFs.contains(c.f())
                && c.type() == OpType.OK && c.completion().server() >= 0);
        Map<String, Overlap> certain = new LinkedHashMap<>();
        Map<String, Overlap> across = new LinkedHashMap<>();
        for (Completed w : writes) {
            int server = w.completion().server();
            Optional<Promotion> current = latestBefore(promotions, w.invoke().wallMs());
            // a write held (by a proxy) across its own server's promotion may have committed after it
            boolean ownPromotionInFlight = promotions.stream().anyMatch(p -> p.node() == server
                    && p.atMs() >= w.invoke().wallMs() && p.atMs() < w.completion().wallMs());
            if (current.isPresent() && current.get().node() != server && !ownPromotionInFlight) {
                add(certain, server, current.get(), w);
                continue;
            }
            for (Promotion p : promotions) {
                if (p.node() != server && p.atMs() >= w.invoke().wallMs() && p.atMs() < w.completion().wallMs()) {
                    add(across, server, p, w);
                    break;
                }
            }
        }
        long wallOffset = wallOffsetMs(history);
        for (Overlap o : certain.values()) {
            v.invalid(describe(o, wallOffset, "acknowledged " + o.writes().size() + " write(s) invoked after"));
        }
        for (Overlap o : across.values()) {
            v.warn(describe(o, wallOffset, "acknowledged " + o.writes().size() + " write(s) in flight when")
                    + " (each may have committed just before it)");
        }
        List<Map<String, Object>> table = new ArrayList<>();
        for (Promotion p : promotions) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", p.epoch());
            row.put("node", p.node());
            row.put("previous", p.previous());
            row.put("began_s", seconds(p.atMs() - wallOffset));
            row.put("how", p.how());
            table.add(row);
        }
        return v.detail("promotions", table)
                .detail("acknowledged_writes", writes.size())
                .detail("overlap_commits", certain.values().stream().mapToInt(o -> o.writes().size()).sum())
                .detail("overlap_direct", certain.values().stream().flatMap(o -> o.writes().stream())
                        .filter(c -> c.invoke().direct()).count())
                .detail("in_flight_across", across.values().stream().mapToInt(o -> o.writes().size()).sum())
                .build();
    }

    /** The promotion that began last before {@code wallMs}: whose server was the one allowed to commit then. */
    static Optional<Promotion> latestBefore(List<Promotion> promotions, long wallMs) {
        Promotion latest = null;
        for (Promotion p : promotions) {
            if (p.atMs() < wallMs && (latest == null || p.atMs() >= latest.atMs())) {
                latest = p;
            }
        }
        return Optional.ofNullable(latest);
    }

    private static void add(Map<String, Overlap> overlaps, int server, Promotion p, Completed w) {
        overlaps.computeIfAbsent(server + "/" + p.epoch(), k -> new Overlap(server, p, new ArrayList<>())).writes().add(w);
    }

    private static String describe(Overlap o, long wallOffset, String what) {
        Promotion p = o.promotion();
        StringBuilder b = new StringBuilder("node " + o.server() + " " + what + " node " + p.node()
                + "'s promotion began (epoch " + p.epoch() + ", " + p.how() + String.format(" at %.3f s): ",
                seconds(p.atMs() - wallOffset)));
        List<String> ops = new ArrayList<>();
        for (Completed c : o.writes().subList(0, Math.min(LIST_AT_MOST, o.writes().size()))) {
            Op inv = c.invoke();
            ops.add(String.format("op %d/%d %s %s%s (invoked %.3f s, acknowledged %.3f s, timeline %d)", inv.index(),
                    c.completion().index(), inv.f(), inv.value(), inv.direct() ? " direct" : " via node " + inv.node()
                    + "'s proxy", seconds(inv.wallMs() - wallOffset), seconds(c.completion().wallMs() - wallOffset),
                    c.completion().timeline()));
        }
        b.append(String.join(", ", ops));
        if (o.writes().size() > LIST_AT_MOST) {
            b.append(" and ").append(o.writes().size() - LIST_AT_MOST).append(" more");
        }
        return b.toString();
    }

    /** Wall-clock ms at the history's time 0, to show events in the history's seconds. */
    static long wallOffsetMs(History h) {
        return h.ops().isEmpty() ? 0 : h.ops().get(0).wallMs() - h.ops().get(0).timeNs() / 1_000_000;
    }

    private static double seconds(long ms) {
        return ms / 1e3;
    }
}
