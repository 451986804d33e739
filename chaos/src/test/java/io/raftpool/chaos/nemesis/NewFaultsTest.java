package io.raftpool.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The faults of issue #19 (a hung postmaster, a paused primary agent, alone or cut off): names, targets, mix. */
class NewFaultsTest {
    private static final List<FaultKind> NEW = List.of(FaultKind.HANG_POSTMASTER, FaultKind.PAUSE_PRIMARY_AGENT,
            FaultKind.PAUSE_PRIMARY_AGENT_PARTITIONED);

    @Test
    void eachIsParsedByItsNameAloneOrListed() {
        assertThat(NemesisSpec.parse("hang-postmaster").kinds()).containsExactly(FaultKind.HANG_POSTMASTER);
        assertThat(NemesisSpec.parse("pause-primary-agent").kinds()).containsExactly(FaultKind.PAUSE_PRIMARY_AGENT);
        assertThat(NemesisSpec.parse("pause-primary-agent-partitioned, hang-postmaster").kinds())
                .containsExactly(FaultKind.PAUSE_PRIMARY_AGENT_PARTITIONED, FaultKind.HANG_POSTMASTER);
        assertThat(NemesisSpec.parse("hang-postmaster,pause-primary-agent,pause-primary-agent-partitioned").text())
                .isEqualTo("hang-postmaster,pause-primary-agent,pause-primary-agent-partitioned");
        assertThat(NemesisSpec.allowed()).contains("hang-postmaster", "pause-primary-agent",
                "pause-primary-agent-partitioned");
    }

    @Test
    void eachHitsTheNodeWhosePostgresqlIsPrimary() {
        assertThat(NEW).allSatisfy(k -> assertThat(k.target()).isEqualTo(FaultKind.Target.PRIMARY));
    }

    @Test
    void onlyThePartitionedPauseNeedsTheNetworkSetUp() {
        assertThat(NemesisSpec.parse("pause-primary-agent-partitioned").needsNetwork()).isTrue();
        assertThat(NemesisSpec.parse("hang-postmaster,pause-primary-agent").needsNetwork()).isFalse();
    }

    @Test
    void theMixDrawsThemToo() {
        assertThat(NemesisSpec.parse("mix").kinds()).containsAll(NEW).doesNotContain(FaultKind.UNSAFE_ROGUE_PRIMARY);
        Schedule long_ = Schedule.generate(NemesisSpec.parse("mix"), 1, Schedule.Params.defaults(7_200_000));
        assertThat(long_.faults()).extracting(Fault::kind).containsAll(NEW);
    }
}
