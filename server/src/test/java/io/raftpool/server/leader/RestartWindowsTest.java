package io.raftpool.server.leader;

import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ClusterState;
import io.raftpool.server.state.ClusterStates;
import org.junit.jupiter.api.Test;

/** Restart windows are timed from when this leader first saw each one, never from the committed wall clock. */
class RestartWindowsTest {
    private final RestartWindows windows = new RestartWindows();

    static ClusterState away(ClusterState s, int node, long windowMs, long issuedMs) {
        ClusterState.Builder b = s.toBuilder();
        int i = ClusterStates.indexOfBackend(s, node);
        b.setBackends(i, b.getBackends(i).toBuilder().setAgentAwayMs(windowMs).setAgentAwayIssuedMs(issuedMs));
        return b.build();
    }

    @Test
    void aWindowRunsFromWhenTheLeaderFirstSawIt() {
        ClusterState s = away(twoPlusOne().build(), 0, 30_000, 111);

        assertThat(windows.untilMs(s, 1_000)).containsEntry(0, 31_000L);
        assertThat(windows.untilMs(s, 5_000)).as("seen again later: same end").containsEntry(0, 31_000L);
        assertThat(windows.untilMs(s, 31_000)).as("over").isEmpty();
    }

    @Test
    void aNewWindowOfTheSameNodeIsTimedAnew() {
        windows.untilMs(away(twoPlusOne().build(), 0, 30_000, 111), 1_000);

        assertThat(windows.untilMs(away(twoPlusOne().build(), 0, 30_000, 222), 50_000)).containsEntry(0, 80_000L);
    }

    @Test
    void aClosedWindowIsForgottenAndANewLeadershipStartsItsClockAgain() {
        ClusterState s = away(twoPlusOne().build(), 0, 30_000, 111);
        windows.untilMs(s, 1_000);

        assertThat(windows.untilMs(twoPlusOne().build(), 2_000)).isEmpty();
        windows.reset();
        assertThat(windows.untilMs(s, 9_000)).containsEntry(0, 39_000L);
    }
}
