package io.raftpool.chaos.checker;

import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.History.Completed;
import io.raftpool.chaos.history.Op;
import io.raftpool.chaos.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * At most one writable primary at a time (S1, S2, S6), judged from the writes themselves:
 * every acknowledged write records the server that took it and that server's WAL timeline (a
 * new timeline starts at every promotion). A <em>writer</em> is one (server, timeline).
 *
 * <p>An acknowledged write shows its writer was writable at some moment between the write's
 * invocation and its completion. So writer W was surely writable at or before {@code lo(W)},
 * the earliest completion of its writes, and at or after {@code hi(W)}, the latest invocation.
 * Two anomalies follow, each proven by the operations named in the reason:
 * <ul>
 *   <li><b>overlap</b> (split-brain): {@code lo(A) < hi(B)} and {@code lo(B) < hi(A)}: A took a
 *       write, then B, then A again (and B again) — both were writable in overlapping intervals;
 *   <li><b>stale write</b>: a writer on an older timeline took a write that began after a writer
 *       on a newer timeline had acknowledged one ({@code lo(new) < hi(old)}): a failed-over
 *       primary was writable again after its successor.
 * </ul>
 * A clean failover (every write of the old primary before every write of the new) is neither.
 * Works for any workload whose write operations record server and timeline.
 */
public final class SinglePrimaryChecker implements Checker {
    private final Set<String> writeFs;

    public SinglePrimaryChecker(Set<String> writeFs) {
        this.writeFs = Set.copyOf(writeFs);
    }

    /** One (server, timeline) and the evidence of when it was writable. */
    public record Writer(int server, long timeline, int writes, Completed firstAck, Completed lastInvoke) {
        long lo() {
            return firstAck.completion().timeNs();
        }

        long hi() {
            return lastInvoke.invoke().timeNs();
        }

        String name() {
            return "node " + server + " (timeline " + timeline + ")";
        }
    }

    @Override
    public Verdict check(History history) {
        Verdict.Builder v = Verdict.builder("single-primary");
        List<Completed> writes = history.completed(c -> c.invoke().isClient() && writeFs.contains(c.f())
                && c.type() == OpType.OK);
        List<Writer> writers = writers(writes);
        long unattributed = writes.stream().filter(c -> c.completion().server() < 0 || c.completion().timeline() < 0).count();
        v.detail("acknowledged_writes", writes.size()).detail("writes_without_server", unattributed);
        List<Map<String, Object>> table = new ArrayList<>();
        for (Writer w : writers) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("server", w.server());
            row.put("timeline", w.timeline());
            row.put("writes", w.writes());
            row.put("first_ack_s", seconds(w.lo()));
            row.put("last_invoke_s", seconds(w.hi()));
            table.add(row);
        }
        v.detail("writers", table);
        if (writes.isEmpty()) {
            return v.unknown("no acknowledged write: nothing to judge").build();
        }
        if (unattributed == writes.size()) {
            return v.unknown("no acknowledged write says which server took it").build();
        }
        int anomalies = 0;
        for (int i = 0; i < writers.size(); i++) {
            for (int j = i + 1; j < writers.size(); j++) {
                Writer a = writers.get(i);
                Writer b = writers.get(j);
                if (a.lo() < b.hi() && b.lo() < a.hi()) {
                    anomalies++;
                    v.invalid("split-brain: " + a.name() + " and " + b.name() + " took writes in overlapping intervals: "
                            + evidence(a, b) + ", and " + evidence(b, a));
                } else {
                    Writer older = a.timeline() <= b.timeline() ? a : b;
                    Writer newer = older == a ? b : a;
                    if (older.timeline() < newer.timeline() && newer.lo() < older.hi()) {
                        anomalies++;
                        v.invalid("stale write: " + older.name() + " took a write after " + newer.name()
                                + " on a newer timeline: " + evidence(newer, older));
                    }
                }
            }
        }
        v.detail("anomalies", anomalies);
        return v.build();
    }

    private static String evidence(Writer first, Writer then) {
        Op ack = first.firstAck().completion();
        Op inv = then.lastInvoke().invoke();
        return first.name() + " acknowledged op " + ack.index() + String.format(" at %.3f s", seconds(ack.timeNs()))
                + " before " + then.name() + "'s op " + inv.index() + " (later acknowledged) began at "
                + String.format("%.3f s", seconds(inv.timeNs()));
    }

    static List<Writer> writers(List<Completed> writes) {
        Map<String, List<Completed>> byWriter = new TreeMap<>();
        for (Completed c : writes) {
            if (c.completion().server() >= 0 && c.completion().timeline() >= 0) {
                byWriter.computeIfAbsent(c.completion().server() + "/" + c.completion().timeline(),
                        k -> new ArrayList<>()).add(c);
            }
        }
        List<Writer> result = new ArrayList<>();
        for (List<Completed> group : byWriter.values()) {
            Completed firstAck = group.stream().min(Comparator.comparingLong(c -> c.completion().timeNs())).orElseThrow();
            Completed lastInvoke = group.stream().max(Comparator.comparingLong(c -> c.invoke().timeNs())).orElseThrow();
            result.add(new Writer(firstAck.completion().server(), firstAck.completion().timeline(), group.size(),
                    firstAck, lastInvoke));
        }
        result.sort(Comparator.comparingLong(Writer::lo));
        return result;
    }

    private static double seconds(long ns) {
        return Math.round(ns / 1e6) / 1e3;
    }
}
