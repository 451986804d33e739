package io.raftpool.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.history.Histories;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictTest {

    @Test
    void composedVerdictsAreInvalidIfAnyIsThenUnknownIfAnyIs() {
        Checker valid = h -> Verdict.builder("a").build();
        Checker unknown = h -> Verdict.builder("b").unknown("no final read").build();
        Checker invalid = h -> Verdict.builder("c").invalid("lost 3").warn("slow").build();
        var h = Histories.builder().build();
        assertThat(Checker.all("x", List.of(valid, valid)).check(h).validity()).isEqualTo(Validity.VALID);
        assertThat(Checker.all("x", List.of(valid, unknown)).check(h).validity()).isEqualTo(Validity.UNKNOWN);
        Verdict all = Checker.all("x", List.of(unknown, invalid, valid)).check(h);
        assertThat(all.validity()).isEqualTo(Validity.INVALID);
        assertThat(all.reasons()).containsExactly("b: no final read", "c: lost 3");
        assertThat(all.warnings()).containsExactly("c: slow");
        assertThat(all.parts()).extracting(Verdict::checker).containsExactly("b", "c", "a");
    }

    @Test
    void statsUseNearestRankPercentiles() {
        Stats s = Stats.of(List.of(5, 1, 4, 2, 3, 10, 6, 7, 8, 9));
        assertThat(s.n()).isEqualTo(10);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.median()).isEqualTo(5);
        assertThat(s.p90()).isEqualTo(9);
        assertThat(s.max()).isEqualTo(10);
        assertThat(Stats.of(List.of()).n()).isZero();
    }
}
