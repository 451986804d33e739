package io.raftpool.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final Schedule.Params TWO_MINUTES = Schedule.Params.defaults(120_000);

    @Test
    void theSameSeedGivesTheSameSchedule() {
        NemesisSpec mix = NemesisSpec.parse("mix");
        assertThat(Schedule.generate(mix, 42, TWO_MINUTES)).isEqualTo(Schedule.generate(mix, 42, TWO_MINUTES));
        assertThat(Schedule.generate(mix, 42, TWO_MINUTES)).isNotEqualTo(Schedule.generate(mix, 43, TWO_MINUTES));
    }

    @Test
    void oneFaultKindRepeatsAtTheConfiguredPace() {
        Schedule s = Schedule.generate(NemesisSpec.parse("kill-primary"), 7, TWO_MINUTES);
        // 5-15, 25-35, 45-55, 65-75, 85-95; 105-115 would end after 120 - 10 s
        assertThat(s.faults()).extracting(Fault::startMs).containsExactly(5_000L, 25_000L, 45_000L, 65_000L, 85_000L);
        assertThat(s.faults()).allMatch(f -> f.kind() == FaultKind.KILL_PRIMARY && f.durationMs() == 10_000);
        assertThat(s.faults()).extracting(Fault::id).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void faultsNeverOverlapAndTheLastIsHealedBeforeTheQuietTail() {
        for (long seed = 0; seed < 200; seed++) {
            Schedule s = Schedule.generate(NemesisSpec.parse("mix"), seed, TWO_MINUTES);
            List<Fault> f = s.faults();
            assertThat(f).isNotEmpty();
            for (int i = 1; i < f.size(); i++) {
                assertThat(f.get(i).startMs()).as("seed %d fault %d", seed, i).isGreaterThan(f.get(i - 1).endMs());
            }
            assertThat(f.get(f.size() - 1).endMs()).isLessThanOrEqualTo(120_000 - 10_000);
            assertThat(f).allMatch(x -> x.durationMs() >= 1_000 && x.kind() != FaultKind.UNSAFE_ROGUE_PRIMARY);
        }
    }

    @Test
    void aMixUsesManyKindsAndSeveralListedKindsAreChosenAtRandom() {
        Schedule mix = Schedule.generate(NemesisSpec.parse("mix"), 1, Schedule.Params.defaults(3_600_000));
        assertThat(mix.faults().stream().map(Fault::kind).distinct().count()).isGreaterThan(8);
        Schedule two = Schedule.generate(NemesisSpec.parse("kill-leader,pause-primary"), 1, Schedule.Params.defaults(600_000));
        assertThat(two.faults()).extracting(Fault::kind).contains(FaultKind.KILL_LEADER, FaultKind.PAUSE_PRIMARY)
                .allMatch(k -> k == FaultKind.KILL_LEADER || k == FaultKind.PAUSE_PRIMARY);
    }

    @Test
    void noneAndATooShortRunHaveNoFaults() {
        assertThat(Schedule.generate(NemesisSpec.parse("none"), 1, TWO_MINUTES).faults()).isEmpty();
        assertThat(Schedule.generate(NemesisSpec.parse("kill-primary"), 1, Schedule.Params.defaults(20_000)).faults()).isEmpty();
    }

    @Test
    void unknownFaultNamesAreRefusedWithTheAllowedOnes() {
        assertThatThrownBy(() -> NemesisSpec.parse("kill-primary,kill-everything"))
                .hasMessageContaining("'kill-everything' is not a fault").hasMessageContaining("partition-halves")
                .hasMessageContaining("mix");
        assertThat(NemesisSpec.parse("partition-leader,kill-primary").needsNetwork()).isTrue();
        assertThat(NemesisSpec.parse("kill-primary").needsNetwork()).isFalse();
        assertThat(NemesisSpec.parse(" kill-primary , stop-standby ").text()).isEqualTo("kill-primary,stop-standby");
    }

    @Test
    void badTimesAreRefused() {
        assertThatThrownBy(() -> new Schedule.Params(0, 0, 1, 1, 1)).hasMessageContaining("time limit 0 ms");
    }
}
