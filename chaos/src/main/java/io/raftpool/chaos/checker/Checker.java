package io.raftpool.chaos.checker;

import io.raftpool.chaos.history.History;
import java.util.List;

/**
 * A pure function from a history (which holds the run's setup and final read as operations
 * of the control process) to a verdict. Checkers compose: {@link #all}.
 */
@FunctionalInterface
public interface Checker {
    Verdict check(History history);

    /** Runs every checker; the verdict is invalid if any is, unknown if any is and none is invalid. */
    static Checker all(String name, List<Checker> checkers) {
        return h -> Verdict.compose(name, checkers.stream().map(c -> c.check(h)).toList());
    }
}
