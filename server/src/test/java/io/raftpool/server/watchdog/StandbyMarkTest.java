package io.raftpool.server.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StandbyMarkTest {
    private static final long START_SECOND = Instant.parse("2026-12-06T21:09:32Z").getEpochSecond();
    private static final Instant PID_FILE = Instant.parse("2026-12-06T21:09:32.898Z");

    @Test
    void aServerStartedWithStandbySignalInPlaceIsAStandby() {
        // as measured on a demo standby: the signal at .814, postmaster.pid at .898 of the start second
        assertThat(StandbyMark.startedAsStandby(Optional.of(Instant.parse("2026-12-06T21:09:32.814Z")),
                Optional.of(PID_FILE), START_SECOND)).isTrue();
        assertThat(StandbyMark.startedAsStandby(Optional.of(Instant.parse("2026-12-06T21:09:31.100Z")),
                Optional.of(PID_FILE.plusSeconds(60)), START_SECOND)).as("the pid file touched again later").isTrue();
    }

    @Test
    void aSignalWrittenAfterThePostmasterStartedProvesNothing() {
        assertThat(StandbyMark.startedAsStandby(Optional.of(PID_FILE.plusMillis(1)), Optional.of(PID_FILE),
                START_SECOND)).isFalse();
        assertThat(StandbyMark.startedAsStandby(Optional.of(Instant.parse("2026-12-06T21:20:00Z")),
                Optional.of(Instant.parse("2026-12-06T21:30:00Z")), START_SECOND))
                .as("written into a primary long after its start, its pid file touched since").isFalse();
    }

    @Test
    void noSignalOrNoPidFileCountsAsPrimary() {
        assertThat(StandbyMark.startedAsStandby(Optional.empty(), Optional.of(PID_FILE), START_SECOND)).isFalse();
        assertThat(StandbyMark.startedAsStandby(Optional.of(PID_FILE.minusSeconds(1)), Optional.empty(), START_SECOND))
                .isFalse();
    }
}
