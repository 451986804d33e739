package io.raftpool.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.checker.RaftLogChecker.Outcome;
import io.raftpool.chaos.checker.RaftLogChecker.Report;
import io.raftpool.chaos.checker.RaftLogChecker.Sent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RaftLogCheckerTest {
    private static final List<Sent> SENT = List.of(new Sent("a", Outcome.OK), new Sent("b", Outcome.UNKNOWN),
            new Sent("c", Outcome.OK));

    @Test
    void everyAcknowledgedCommandEverywhereInOrderIsValid() {
        Verdict v = RaftLogChecker.check(SENT, List.of(new Report(0, 0, 5, 1, Map.of(1L, "a")),
                new Report(1, 0, 7, 1, Map.of(1L, "a", 2L, "c"))), Map.of(0, List.of("x", "a", "c"), 1, List.of("x", "a", "c")));
        assertThat(v.validity()).isEqualTo(Validity.VALID);
        assertThat(v.details()).containsEntry("acknowledged", 2);
    }

    @Test
    void aLostAcknowledgedCommandIsInvalidAnUnknownOneIsNot() {
        Verdict v = RaftLogChecker.check(SENT, List.of(), Map.of(0, List.of("a"), 1, List.of("a")));
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).anyMatch(r -> r.contains("\"c\" was acknowledged but is not in agent"));
        assertThat(v.reasons()).noneMatch(r -> r.contains("\"b\""));
    }

    @Test
    void twoHistoriesAtOnePositionAreInvalid() {
        Verdict v = RaftLogChecker.check(List.of(), List.of(new Report(0, 0, 3, 1, Map.of(4L, "a")),
                new Report(2, 0, 3, 1, Map.of(4L, "z"))), Map.of());
        assertThat(v.reasons()).anyMatch(r -> r.contains("two different committed histories"));
    }

    @Test
    void goingBackwardsInOneProcessIsInvalidAfterARestartItIsNot() {
        Verdict restart = RaftLogChecker.check(List.of(), List.of(new Report(1, 0, 9, 2, Map.of()),
                new Report(1, 1, 3, 1, Map.of())), Map.of());
        assertThat(restart.validity()).isEqualTo(Validity.VALID);
        Verdict back = RaftLogChecker.check(List.of(), List.of(new Report(1, 0, 9, 2, Map.of()),
                new Report(1, 0, 8, 2, Map.of())), Map.of());
        assertThat(back.reasons()).anyMatch(r -> r.contains("went backwards"));
    }

    @Test
    void reorderedOrDuplicatedCommandsAndDifferingFinalLogsAreInvalid() {
        assertThat(RaftLogChecker.check(SENT, List.of(), Map.of(0, List.of("c", "a"))).reasons())
                .anyMatch(r -> r.contains("out of the order"));
        Verdict retried = RaftLogChecker.check(SENT, List.of(), Map.of(0, List.of("a", "b", "b", "c")));
        assertThat(retried.validity()).isEqualTo(Validity.VALID);
        assertThat(retried.warnings()).anyMatch(r -> r.contains("2 times"));
        assertThat(RaftLogChecker.check(SENT, List.of(), Map.of(0, List.of("a", "c"), 1, List.of("a", "b", "c"))).reasons())
                .anyMatch(r -> r.contains("differs"));
    }
}
