package io.raftpool.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApplyStallTest {
    private static final long LIMIT = ApplyStall.LIMIT_MS;

    @Test
    void aMemberStuckBehindALeaderThatAnswersIsStalledAfterTheLimit() {
        ApplyStall s = ApplyStall.start(0, 0);
        s = s.observe(1_000, 0, 16);
        s = s.observe(LIMIT - 1, 0, 40);

        assertThat(s.stalled(LIMIT - 1, LIMIT)).isFalse();
        assertThat(s.observe(LIMIT, 0, 41).stalled(LIMIT, LIMIT)).isTrue();
    }

    @Test
    void aFollowerAheadOfANewLeaderIsNoStall() {
        ApplyStall s = ApplyStall.start(0, 31).observe(1_000, 31, 29).observe(2 * LIMIT, 31, 29);

        assertThat(s.stalled(2 * LIMIT, LIMIT)).isFalse();
    }

    @Test
    void progressRestartsTheClock() {
        ApplyStall s = ApplyStall.start(0, 0).observe(LIMIT - 10, 5, 16);

        assertThat(s.observe(LIMIT + 10, 5, 16).stalled(LIMIT + 10, LIMIT)).isFalse();
        assertThat(s.observe(2 * LIMIT - 10, 5, 16).stalled(2 * LIMIT - 10, LIMIT)).isTrue();
    }

    @Test
    void anIdleClusterOrAnUnreachableLeaderIsNoStall() {
        ApplyStall caughtUp = ApplyStall.start(0, 7).observe(LIMIT / 2, 7, 7).observe(2 * LIMIT, 7, 7);
        ApplyStall cutOff = ApplyStall.start(0, 7).observe(LIMIT / 2, 7, -1).observe(2 * LIMIT, 7, -1);

        assertThat(caughtUp.stalled(2 * LIMIT, LIMIT)).isFalse();
        assertThat(cutOff.stalled(2 * LIMIT, LIMIT)).isFalse();
    }

    @Test
    void theClockStartsWhenTheLeaderIsFirstSeenAhead() {
        ApplyStall s = ApplyStall.start(0, 3).observe(LIMIT, 3, 3).observe(LIMIT + 1, 3, 9);

        assertThat(s.stalled(2 * LIMIT - 1, LIMIT)).isFalse();
        assertThat(s.stalled(2 * LIMIT, LIMIT)).isTrue();
    }
}
