package io.raftpool.chaos.report;

import io.raftpool.chaos.checker.Validity;
import io.raftpool.chaos.checker.Verdict;
import io.raftpool.chaos.history.History;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a report shows about one run.
 *
 * @param run      what was run (workload, nemesis, nodes, seed, ...) and the command that repeats it
 * @param verdict  the composed verdict of the checkers
 * @param healing  whether the cluster came back healthy after the last fault, and why not
 * @param markers  moments to mark on the plots (changes of primary)
 * @param files    other files of the run directory, to link from the page
 */
public record ReportData(Map<String, Object> run, Verdict verdict, Healing healing, History history,
                         List<Marker> markers, List<String> files) {
    public ReportData {
        run = new LinkedHashMap<>(run);
        markers = List.copyOf(markers);
        files = List.copyOf(files);
    }

    /** How the final heal ended. */
    public record Healing(boolean healed, String state, long elapsedMs, List<String> blockers) {
        public Healing {
            blockers = List.copyOf(blockers);
        }
    }

    /** VALID only when every checker found the history valid and the cluster healed. */
    public String result() {
        if (verdict.validity() != Validity.VALID) {
            return verdict.validity().name();
        }
        return healing.healed() ? "VALID" : "VALID, NOT HEALED";
    }
}
