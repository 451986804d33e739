package io.raftpool.chaos.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Raft's own promises, judged from what a client was told and what the agents reported. Pure.
 *
 * <ul>
 *   <li>Every command acknowledged to the client is in every agent's final log, and the
 *       acknowledged ones in the order they were acknowledged (one client, one command at a time,
 *       so acknowledgement order is commit order, by first occurrence). A command whose outcome
 *       the client does not know may be there or not. A command twice is only a warning: a Raft
 *       client that retries after a leader change may commit it again (at least once).</li>
 *   <li>Agents never disagree on an entry: whatever any agent reported at position {@code seq},
 *       at any moment, every other report of {@code seq} is the same.</li>
 *   <li>An agent's applied index and epoch never go backwards while its process lives.</li>
 * </ul>
 */
public final class RaftLogChecker {
    private RaftLogChecker() {}

    /** What the client was told about one command. */
    public enum Outcome { OK, UNKNOWN }

    /** One command the client sent, with its unique text. */
    public record Sent(String text, Outcome outcome) {}

    /** One agent's report: its process generation (a restart is a new one), applied index, epoch, and log of texts by position. */
    public record Report(int agent, int generation, long appliedIndex, long epoch, Map<Long, String> entries) {
        public Report {
            entries = Map.copyOf(entries);
        }
    }

    /**
     * @param sent    the commands in the order the client sent them
     * @param reports every report, in the order they were taken
     * @param finals  each agent's final log, positions in order, after the cluster healed
     */
    public static Verdict check(List<Sent> sent, List<Report> reports, Map<Integer, List<String>> finals) {
        Verdict.Builder v = Verdict.builder("raft-log");
        Map<Long, String> seen = new HashMap<>();
        Map<Long, Integer> seenFrom = new HashMap<>();
        Map<String, long[]> last = new HashMap<>();
        int conflicts = 0;
        for (Report r : reports) {
            for (Map.Entry<Long, String> e : r.entries().entrySet()) {
                String before = seen.putIfAbsent(e.getKey(), e.getValue());
                if (before != null && !before.equals(e.getValue()) && conflicts++ < 5) {
                    v.invalid("position " + e.getKey() + " is \"" + e.getValue() + "\" on agent " + r.agent() + " but was \""
                            + before + "\" on agent " + seenFrom.get(e.getKey()) + ": two different committed histories");
                }
                seenFrom.putIfAbsent(e.getKey(), r.agent());
            }
            String key = r.agent() + "/" + r.generation();
            long[] prev = last.get(key);
            if (prev != null && (r.appliedIndex() < prev[0] || r.epoch() < prev[1])) {
                v.invalid("agent " + r.agent() + " went backwards in one process: applied index " + prev[0] + " -> "
                        + r.appliedIndex() + ", epoch " + prev[1] + " -> " + r.epoch());
            }
            last.put(key, new long[] {Math.max(r.appliedIndex(), prev == null ? -1 : prev[0]),
                    Math.max(r.epoch(), prev == null ? 0 : prev[1])});
        }
        List<String> reference = null;
        for (Map.Entry<Integer, List<String>> f : finals.entrySet()) {
            if (reference == null) {
                reference = f.getValue();
            } else if (!Objects.equals(reference, f.getValue())) {
                v.invalid("agent " + f.getKey() + "'s final log differs from agent " + finals.keySet().iterator().next() + "'s");
            }
        }
        int acked = 0;
        int lost = 0;
        for (Map.Entry<Integer, List<String>> f : finals.entrySet()) {
            List<String> log = f.getValue();
            List<Integer> positions = new ArrayList<>();
            for (Sent s : sent) {
                int count = (int) log.stream().filter(s.text()::equals).count();
                if (count > 1) {
                    // at least once, not exactly once: a Raft client that retries after a leader change
                    // may commit a command twice; raftpool's own commands are idempotent for that reason
                    v.warn("\"" + s.text() + "\" is " + count + " times in agent " + f.getKey() + "'s log (a retry)");
                }
                if (s.outcome() == Outcome.OK) {
                    if (count == 0) {
                        if (lost++ < 5) {
                            v.invalid("\"" + s.text() + "\" was acknowledged but is not in agent " + f.getKey() + "'s log");
                        }
                    } else {
                        positions.add(log.indexOf(s.text()));
                    }
                }
            }
            for (int i = 1; i < positions.size(); i++) {
                if (positions.get(i) < positions.get(i - 1)) {
                    v.invalid("agent " + f.getKey() + "'s log holds acknowledged commands out of the order they were acknowledged");
                    break;
                }
            }
        }
        for (Sent s : sent) {
            acked += s.outcome() == Outcome.OK ? 1 : 0;
        }
        return v.detail("sent", sent.size()).detail("acknowledged", acked).detail("lost", lost)
                .detail("reports", reports.size()).detail("positions_seen", seen.size()).build();
    }
}
