package io.raftpool.chaos.checker;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.History.Completed;
import io.raftpool.chaos.history.History.FaultWindow;
import io.raftpool.chaos.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Jepsen's set checker. Clients add unique ids (operation {@code f}, value = the id); the
 * control process's final read ({@code final-read}, value {@code {"ids": [...]}}) says what is
 * there at the end.
 *
 * <ul>
 *   <li>phantom: an id present that no client ever tried to add — always invalid;
 *   <li>failed yet present: an add that completed {@code fail} (certainly not done) is present —
 *       invalid;
 *   <li>lost: an acknowledged add is missing. Invalid when {@code lossIsAnomaly} (synchronous
 *       replication promises it cannot happen); otherwise a warning that names the server and
 *       timeline that acknowledged the ids and the fault they straddle.
 * </ul>
 * Unknown ({@code info}) adds may or may not be present; they are counted, never judged.
 */
public final class SetChecker implements Checker {
    public static final String FINAL_READ = "final-read";
    private static final int LIST_AT_MOST = 30;

    private final String f;
    private final boolean lossIsAnomaly;

    public SetChecker(String f, boolean lossIsAnomaly) {
        this.f = f;
        this.lossIsAnomaly = lossIsAnomaly;
    }

    @Override
    public Verdict check(History history) {
        Verdict.Builder v = Verdict.builder("set");
        Map<Long, Completed> attempts = new HashMap<>();
        Set<Long> ok = new TreeSet<>();
        Set<Long> failed = new TreeSet<>();
        Set<Long> unknown = new TreeSet<>();
        for (Completed c : history.client(f)) {
            long id = c.invoke().value().asLong();
            attempts.put(id, c);
            switch (c.type()) {
                case OK -> ok.add(id);
                case FAIL -> failed.add(id);
                default -> unknown.add(id);
            }
        }
        v.detail("attempted", attempts.size()).detail("acknowledged", ok.size()).detail("failed", failed.size())
                .detail("unknown", unknown.size());
        Optional<Completed> read = history.lastControl(FINAL_READ);
        if (read.isEmpty()) {
            return v.unknown("no successful final read: cannot tell which ids survived").build();
        }
        Set<Long> present = new TreeSet<>();
        for (JsonNode id : read.get().completion().value().path("ids")) {
            present.add(id.asLong());
        }
        v.detail("present", present.size());

        Set<Long> phantom = new TreeSet<>(present);
        phantom.removeAll(attempts.keySet());
        Set<Long> failedPresent = new TreeSet<>(failed);
        failedPresent.retainAll(present);
        Set<Long> lost = new TreeSet<>(ok);
        lost.removeAll(present);
        Set<Long> recovered = new TreeSet<>(unknown);
        recovered.retainAll(present);
        v.detail("lost", lost.size()).detail("phantom", phantom.size()).detail("failed_but_present", failedPresent.size())
                .detail("unknown_present", recovered.size());

        if (!phantom.isEmpty()) {
            v.invalid(phantom.size() + " id(s) present that no client ever added: " + some(phantom));
        }
        if (!failedPresent.isEmpty()) {
            v.invalid(failedPresent.size() + " add(s) that failed for certain are present: " + some(failedPresent)
                    + describeOps(failedPresent, attempts));
        }
        if (!lost.isEmpty()) {
            List<String> where = attribute(lost, attempts, history.faultWindows());
            v.detail("lost_ids", List.copyOf(lost).subList(0, Math.min(lost.size(), 200)));
            v.detail("lost_where", where);
            String text = lost.size() + " acknowledged add(s) missing from the final read: " + some(lost) + "; "
                    + String.join("; ", where);
            if (lossIsAnomaly) {
                v.invalid(text);
            } else {
                v.warn(text + " (asynchronous replication: a failover may lose the last acknowledged commits)");
            }
        }
        return v.build();
    }

    /** Groups lost ids by the server and timeline that acknowledged them and the fault that followed. */
    static List<String> attribute(Set<Long> lost, Map<Long, Completed> attempts, List<FaultWindow> faults) {
        Map<String, List<Long>> groups = new TreeMap<>();
        Map<String, String> text = new LinkedHashMap<>();
        for (long id : lost) {
            Completed c = attempts.get(id);
            long at = c.completion().timeNs();
            Optional<FaultWindow> fault = faults.stream().filter(w -> w.endNs() >= at).findFirst();
            String key = c.completion().server() + "/" + c.completion().timeline() + "/"
                    + fault.map(w -> Integer.toString(w.id())).orElse("-");
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
            text.computeIfAbsent(key, k -> "acknowledged by node " + c.completion().server() + " on timeline "
                    + c.completion().timeline() + fault.map(w -> ", lost at fault #" + w.id() + " " + w.kind()
                    + String.format(" (%.1f s to %.1f s)", w.startSeconds(), w.endSeconds()))
                    .orElse(", after the last fault"));
        }
        List<String> out = new ArrayList<>();
        for (var e : groups.entrySet()) {
            out.add(e.getValue().size() + " " + text.get(e.getKey()));
        }
        return out;
    }

    private static String describeOps(Set<Long> ids, Map<Long, Completed> attempts) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (long id : ids) {
            if (n++ == 3) {
                break;
            }
            Completed c = attempts.get(id);
            b.append("; ").append(c.invoke().index()).append('/').append(c.completion().index()).append(' ')
                    .append(c.completion().type() == OpType.FAIL ? "fail: " : "").append(c.completion().error());
        }
        return b.toString();
    }

    static String some(Set<Long> ids) {
        List<Long> list = new ArrayList<>(ids);
        return list.size() <= LIST_AT_MOST ? list.toString()
                : list.subList(0, LIST_AT_MOST) + " and " + (list.size() - LIST_AT_MOST) + " more";
    }
}
