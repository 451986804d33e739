package io.raftpool.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FollowLagTest {
    private static final long LIMIT = FollowLag.REPORT_AFTER_MS;

    @Test
    void aMemberStuckBehindALeaderThatAnswersIsReportedAfterTheLimit() {
        FollowLag s = FollowLag.start(0, 0).observe(1_000, 0, 16).observe(LIMIT - 1, 0, 40);

        assertThat(s.notFollowing(LIMIT - 1)).isFalse();
        FollowLag later = s.observe(LIMIT, 0, 41);
        assertThat(later.notFollowing(LIMIT)).isTrue();
        assertThat(later.entriesBehind()).isEqualTo(41);
        assertThat(later.stuckForMs(LIMIT)).isEqualTo(LIMIT);
    }

    @Test
    void aFollowerAheadOfANewLeaderIsNotBehind() {
        FollowLag s = FollowLag.start(0, 31).observe(1_000, 31, 29).observe(2 * LIMIT, 31, 29);

        assertThat(s.notFollowing(2 * LIMIT)).isFalse();
        assertThat(s.entriesBehind()).isZero();
    }

    @Test
    void progressRestartsTheClock() {
        FollowLag s = FollowLag.start(0, 0).observe(LIMIT - 10, 5, 16);

        assertThat(s.observe(LIMIT + 10, 5, 16).notFollowing(LIMIT + 10)).isFalse();
        assertThat(s.observe(2 * LIMIT - 10, 5, 16).notFollowing(2 * LIMIT - 10)).isTrue();
    }

    @Test
    void anIdleClusterOrAnUnreachableLeaderIsNotALag() {
        FollowLag caughtUp = FollowLag.start(0, 7).observe(LIMIT / 2, 7, 7).observe(2 * LIMIT, 7, 7);
        FollowLag cutOff = FollowLag.start(0, 7).observe(LIMIT / 2, 7, -1).observe(2 * LIMIT, 7, -1);

        assertThat(caughtUp.notFollowing(2 * LIMIT)).isFalse();
        assertThat(cutOff.notFollowing(2 * LIMIT)).isFalse();
        assertThat(cutOff.stuckForMs(2 * LIMIT)).isZero();
    }

    @Test
    void theClockStartsWhenTheLeaderIsFirstSeenAhead() {
        FollowLag s = FollowLag.start(0, 3).observe(LIMIT, 3, 3).observe(LIMIT + 1, 3, 9);

        assertThat(s.notFollowing(2 * LIMIT - 1)).isFalse();
        assertThat(s.notFollowing(2 * LIMIT)).isTrue();
    }
}
