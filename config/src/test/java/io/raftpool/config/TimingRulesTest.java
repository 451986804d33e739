package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules between timing keys that the safety properties rest on. Each rule is checked at
 * its boundary: equal is refused, one step inside is accepted.
 */
class TimingRulesTest {
    private final ConfigYaml valid = ConfigYaml.valid();

    @ParameterizedTest(name = "stale_after {0} with fence {1} + {2}")
    @CsvSource({"1500ms, 1s, 500ms, 1500ms", "2s, 1s, 500ms, 1500ms", "3s, 2s, 1s, 3s"})
    void aProxyMustStopRoutingBeforeAnotherPrimaryCanBePromoted(String staleAfter, String fence, String grace,
                                                                 String sum) {
        ConfigYaml config = valid.set("proxy.stale_after", staleAfter)
                .set("failover.fence_timeout", fence).set("failover.fence_grace", grace);

        assertThat(config.problems()).singleElement(STRING)
                .isEqualTo("test.yaml: proxy.stale_after: " + staleAfter + " must be shorter than"
                        + " failover.fence_timeout + failover.fence_grace (" + sum + "), or a cut-off proxy could"
                        + " still route writes to a fenced primary after another was promoted");
    }

    @Test
    void aStaleAfterJustShorterThanFenceTimeoutPlusGraceIsAccepted() {
        ClusterConfig config = valid.set("proxy.stale_after", "1499ms").load();

        assertThat(config.proxy().staleAfter()).isEqualTo(Duration.ofMillis(1499));
    }

    @ParameterizedTest(name = "min {0}, max {1}")
    @CsvSource({"600ms, 600ms", "700ms, 600ms", "30s, 100ms"})
    void theElectionTimeoutMinimumMustBeBelowTheMaximum(String min, String max) {
        ConfigYaml config = valid.set("raft.election_timeout_min", min).set("raft.election_timeout_max", max);

        assertThat(config.problems()).singleElement(STRING).isEqualTo("test.yaml: raft.election_timeout_min: " + min
                + " must be shorter than raft.election_timeout_max (" + max + ")");
    }

    @Test
    void anElectionTimeoutRangeOfOneMillisecondIsAccepted() {
        RaftSettings raft = valid.set("raft.election_timeout_min", "599ms").load().raft();

        assertThat(raft.electionTimeoutMin()).isEqualTo(Duration.ofMillis(599));
    }

    @ParameterizedTest(name = "fence {0}, election max {1}")
    @CsvSource({"600ms, 600ms", "1s, 2s"})
    void aPrimaryMustNotBeFencedByAMereElection(String fence, String electionMax) {
        ConfigYaml config = valid.set("failover.fence_timeout", fence).set("raft.election_timeout_max", electionMax)
                .set("proxy.stale_after", "100ms");

        assertThat(config.problems()).singleElement(STRING)
                .isEqualTo("test.yaml: failover.fence_timeout: " + fence + " must be longer than"
                        + " raft.election_timeout_max (" + electionMax + "), or a primary would be fenced by a mere"
                        + " leader election");
    }

    @Test
    void aFenceTimeoutJustLongerThanTheElectionTimeoutIsAccepted() {
        FailoverSettings failover = valid.set("failover.fence_timeout", "601ms").set("proxy.stale_after", "1s")
                .load().failover();

        assertThat(failover.fenceTimeout()).isEqualTo(Duration.ofMillis(601));
    }
}
