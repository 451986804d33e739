package io.raftpool.chaos.run;

import io.raftpool.chaos.checker.Checker;
import io.raftpool.chaos.checker.OverlapChecker;
import io.raftpool.chaos.checker.Validity;
import io.raftpool.chaos.checker.Verdict;
import io.raftpool.chaos.history.CommittedEvent;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.HistoryJson;
import io.raftpool.chaos.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Judges a history with its workload's checkers (the workload is named by the history's setup)
 * and, for every workload, the overlap checker and the outage agreement checker, which also need
 * the committed events.
 */
public final class Verdicts {
    public static final String NAME = "raftpool chaos";

    private Verdicts() {}

    /** {@code events}: the committed events the run gathered, empty when not known. */
    public static Verdict check(History h, Optional<List<CommittedEvent>> events) {
        Optional<String> workload = h.lastControl("setup").map(c -> c.completion().value().path("workload").asText(""));
        if (workload.isEmpty() || workload.get().isEmpty()) {
            return new Verdict(NAME, Validity.UNKNOWN, List.of("the history has no successful setup: the workload is not"
                    + " known and nothing ran"), List.of(), Map.of(), List.of());
        }
        Workload w = Workload.byName(workload.get());
        List<Checker> checkers = new ArrayList<>(w.checkers(h));
        checkers.add(new OverlapChecker(w.writeFs(), events));
        checkers.add(new io.raftpool.chaos.checker.OutageAgreementChecker(w.writeFs(), events));
        return Checker.all(NAME, checkers).check(h);
    }

    /** Checks the history.jsonl (and events.json) of a finished run again (e.g. after changing a checker). */
    public static Verdict recheck(Path dir) {
        Path file = dir.resolve("history.jsonl");
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no history.jsonl in " + dir.toAbsolutePath() + ": is it a chaos run directory?");
        }
        Path events = dir.resolve("events.json");
        return check(HistoryJson.read(file), Files.exists(events) ? Optional.of(CommittedEvent.read(events)) : Optional.empty());
    }
}
