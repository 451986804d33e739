package io.raftpool.chaos.checker;

import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.History.Completed;
import io.raftpool.chaos.history.History.FaultWindow;
import io.raftpool.chaos.history.OpType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How long writes were impossible around each fault: the longest stretch without an
 * acknowledged write, from the last acknowledgement before the fault began, up to the next
 * fault (or the end of the workload), so an outage caused by the heal counts too. A fault that does not
 * disturb writes shows the ordinary gap between two writes. Informational: the verdict is
 * valid (unknown when nothing was acknowledged); a fault after which writes never came back
 * before the next fault is a warning. Only the clients through the proxies count: what raftpool
 * offers is a writable primary behind its proxies, and a direct client on an old primary that
 * goes on writing would hide an outage (the overlap checker judges those writes).
 */
public final class AvailabilityChecker implements Checker {
    private final Set<String> writeFs;

    public AvailabilityChecker(Set<String> writeFs) {
        this.writeFs = Set.copyOf(writeFs);
    }

    /** The outage measured for one fault. */
    public record Outage(int fault, String kind, double startSeconds, long outageMs, boolean resumed) {}

    @Override
    public Verdict check(History history) {
        Verdict.Builder v = Verdict.builder("availability");
        List<Long> acks = history.completed(c -> c.invoke().isClient() && !c.invoke().direct() && writeFs.contains(c.f())
                        && c.type() == OpType.OK)
                .stream().map(c -> c.completion().timeNs()).sorted().toList();
        long workloadEnd = history.completed(c -> c.invoke().isClient()).stream()
                .mapToLong(c -> c.completion().timeNs()).max().orElse(history.endNs());
        if (acks.isEmpty()) {
            return v.unknown("no acknowledged write at all").build();
        }
        List<FaultWindow> faults = history.faultWindows().stream().filter(FaultWindow::applied).toList();
        List<Outage> outages = outages(acks, faults, workloadEnd);
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, List<Long>> byKind = new TreeMap<>();
        for (Outage o : outages) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("fault", o.fault());
            row.put("kind", o.kind());
            row.put("start_s", Math.round(o.startSeconds() * 10) / 10.0);
            row.put("writes_impossible_ms", o.outageMs());
            row.put("resumed", o.resumed());
            rows.add(row);
            byKind.computeIfAbsent(o.kind(), k -> new ArrayList<>()).add(o.outageMs());
            if (!o.resumed()) {
                v.warn(String.format("fault #%d %s at %.1f s: no write was acknowledged after it for %d ms, until the "
                        + "next fault or the end of the workload", o.fault(), o.kind(), o.startSeconds(), o.outageMs()));
            }
        }
        Map<String, Object> kinds = new LinkedHashMap<>();
        byKind.forEach((k, list) -> kinds.put(k, Stats.of(list).toMap()));
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < acks.size(); i++) {
            gaps.add((acks.get(i) - acks.get(i - 1)) / 1_000_000);
        }
        v.detail("per_fault", rows).detail("per_kind_ms", kinds)
                .detail("ordinary_gap_ms", Stats.of(gaps).toMap());
        return v.build();
    }

    static List<Outage> outages(List<Long> sortedAcks, List<FaultWindow> faults, long workloadEnd) {
        List<Outage> result = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            FaultWindow f = faults.get(i);
            if (f.startNs() >= workloadEnd) {
                continue;
            }
            long regionEnd = i + 1 < faults.size() ? Math.min(faults.get(i + 1).startNs(), workloadEnd) : workloadEnd;
            long previous = f.startNs();
            for (long a : sortedAcks) {
                if (a <= f.startNs()) {
                    previous = a;
                }
            }
            long longest = 0;
            boolean resumed = false;
            for (long a : sortedAcks) {
                if (a > f.startNs() && a <= regionEnd) {
                    longest = Math.max(longest, a - previous);
                    previous = a;
                    resumed = true;
                }
            }
            longest = Math.max(longest, regionEnd - previous); // an outage that the heal itself caused counts too
            result.add(new Outage(f.id(), f.kind(), f.startSeconds(), longest / 1_000_000, resumed));
        }
        return result;
    }
}
