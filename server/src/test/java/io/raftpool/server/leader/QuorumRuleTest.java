package io.raftpool.server.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Quorum;
import io.raftpool.server.leader.FailoverPolicy.CandidateProbe;
import io.raftpool.server.state.CommandArbitraries;
import io.raftpool.server.state.Transitions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The quorum failover rule on states built here: hear from n - k + 1, promote the highest flushed position. */
class QuorumRuleTest {
    private static final CandidateProbe SILENT = new CandidateProbe(false, false, 0, "connection refused");

    private static CandidateProbe at(long lsn) {
        return new CandidateProbe(true, true, lsn, "");
    }

    /** Node 0 primary, nodes 1..3 the quorum set, every acknowledged commit on {@code k} of them. */
    private static ClusterState quorum(int k) {
        var boot = new CommandArbitraries.Scenario(4, true, List.of()).run(Transitions::apply);
        return boot.get(boot.size() - 1).after().toBuilder().addAllSyncStandbys(List.of(1, 2, 3))
                .setQuorum(Quorum.newBuilder().setConfigured(k).setDurableCount(k).addAllWaitFor(List.of(1, 2, 3))
                        .setWaitCount(k)).build();
    }

    @Test
    void withOneOfThreeHoldingEachCommitAllThreeMustAnswer() {
        ClusterState s = quorum(1);
        Map<Integer, CandidateProbe> probes = Map.of(1, at(900), 2, at(700), 3, SILENT);

        assertThat(FailoverPolicy.choose(s, List.of(1, 2, 3), probes)).isEmpty();
        assertThat(FailoverPolicy.whyNoCandidate(s, List.of(1, 2, 3), probes))
                .startsWith("quorum mode: heard from 2 of nodes [1, 2, 3], need 3")
                .contains("node 3: connection refused");
    }

    @Test
    void theHighestFlushedPositionOfThoseHeardIsPromoted() {
        ClusterState s = quorum(1);
        Map<Integer, CandidateProbe> probes = Map.of(1, at(700), 2, at(900), 3, at(800));

        assertThat(FailoverPolicy.choose(s, List.of(1, 2, 3), probes)).hasValueSatisfying(c -> {
            assertThat(c.target()).isEqualTo(2);
            assertThat(c.reason()).contains("3 of 3 quorum members heard (3 needed");
        });
    }

    @Test
    void withTwoOfThreeHoldingEachCommitTwoAnswersSuffice() {
        ClusterState s = quorum(2);
        Map<Integer, CandidateProbe> probes = Map.of(1, at(700), 2, SILENT, 3, at(800));

        assertThat(FailoverPolicy.choose(s, List.of(1, 2, 3), probes)).hasValueSatisfying(c ->
                assertThat(c.target()).isEqualTo(3));
    }

    @Test
    void aCandidateBehindTheHighestPositionHeardIsNeverPromoted() {
        ClusterState s = quorum(1);
        Map<Integer, CandidateProbe> probes = Map.of(1, at(700), 2, at(800), 3, at(900));

        // node 3 holds the most but may not be promoted (nofailover, no live agent...): nobody is
        assertThat(FailoverPolicy.choose(s, List.of(1, 2), probes)).isEmpty();
        assertThat(FailoverPolicy.whyNoCandidate(s, List.of(1, 2), probes))
                .contains("is on nodes [3], none of which may be promoted");
    }

    @Test
    void beforeTheSetSettledNoFailoverIsPossible() {
        ClusterState s = quorum(1);
        s = s.toBuilder().setQuorum(s.getQuorum().toBuilder().setDurableCount(0)).build();
        Map<Integer, CandidateProbe> probes = Map.of(1, at(700), 2, at(800), 3, at(900));

        assertThat(FailoverPolicy.choose(s, List.of(1, 2, 3), probes)).isEmpty();
        assertThat(FailoverPolicy.whyNoCandidate(s, List.of(1, 2, 3), probes))
                .contains("no acknowledged commit is known to be on a standby");
    }

    @Test
    void everyMemberIsAskedEvenOnesThatMayNotBePromoted() {
        ClusterState s = quorum(1);
        assertThat(FailoverPolicy.toAsk(s, List.of(1), 0)).containsExactly(1, 2, 3);
    }
}
