package io.raftpool.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FirstElectionTest {
    private static final Duration MIN = Duration.ofMillis(300);
    private static final Duration MAX = Duration.ofMillis(600);

    @Test
    void theLowestIdVoterCampaignsAfterTheUsualTimeout() {
        assertThat(FirstElection.of(0, List.of(0, 1, 2), MIN, MAX)).isEqualTo(new FirstElection(MIN, MAX));
        assertThat(FirstElection.of(3, List.of(5, 3, 4), MIN, MAX)).isEqualTo(new FirstElection(MIN, MAX));
    }

    @Test
    void eachOtherVoterWaitsOneLeadPerVoterRankedBeforeIt() {
        FirstElection second = FirstElection.of(1, List.of(0, 1, 2), MIN, MAX);
        FirstElection third = FirstElection.of(2, List.of(2, 0, 1), MIN, MAX);

        assertThat(second).isEqualTo(new FirstElection(Duration.ofMillis(3300), Duration.ofMillis(3600)));
        assertThat(third).isEqualTo(new FirstElection(Duration.ofMillis(6300), Duration.ofMillis(6600)));
        assertThat(second.max()).as("windows do not overlap").isLessThan(third.min());
    }

    @Test
    void theLeadGrowsWithLongElectionTimeouts() {
        assertThat(FirstElection.lead(Duration.ofMillis(600))).isEqualTo(Duration.ofSeconds(3));
        assertThat(FirstElection.lead(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(10));
        assertThat(FirstElection.of(7, List.of(3, 7), Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .isEqualTo(new FirstElection(Duration.ofSeconds(11), Duration.ofSeconds(12)));
    }

    @Test
    void aMemberThatIsNotAVoterKeepsTheUsualTimeouts() {
        assertThat(FirstElection.of(4, List.of(), MIN, MAX)).isEqualTo(new FirstElection(MIN, MAX));
        assertThat(FirstElection.of(4, List.of(0, 1, 2), MIN, MAX)).isEqualTo(new FirstElection(MIN, MAX));
    }
}
