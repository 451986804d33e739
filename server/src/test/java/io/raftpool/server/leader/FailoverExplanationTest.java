package io.raftpool.server.leader;

import static io.raftpool.server.leader.FailoverPolicyTest.SETTINGS;
import static io.raftpool.server.leader.FailoverPolicyTest.primarySeenBy;
import static io.raftpool.server.leader.StatusPolicyTest.NOW;
import static io.raftpool.server.leader.StatusPolicyTest.alive;
import static io.raftpool.server.leader.StatusPolicyTest.unreachableBy;
import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.CandidateExplanation;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Explanation;
import io.raftpool.proto.Health;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.testkit.States;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** raftpool explain, on states built here: each rule that can hold a failover back says so. */
class FailoverExplanationTest {
    private static final long WALL = 1_796_634_000_000L; // 2026-12-07 09:00:00 UTC

    private static Explanation explain(ClusterState s, Liveness live) {
        return FailoverExplanation.explain(s, live, SETTINGS, Optional.empty(), WALL, 2);
    }

    /** The primary, node 0, seen without a postmaster by its own live agent: nothing to wait for. */
    private static ClusterState primaryGone() {
        return primarySeenBy(twoPlusOne().build(), 0, Health.NOT_RUNNING, 300);
    }

    @Test
    void aHealthyPrimaryNeedsNoFailoverAndItsStandbyIsACandidate() {
        Explanation e = explain(twoPlusOne().build(), alive(0, 1, 2));

        assertThat(e.getState()).isEqualTo("healthy");
        assertThat(e.getVerdict()).isEqualTo("the primary node 0 is healthy: no failover");
        assertThat(e.getCandidatesList()).singleElement().satisfies(c -> {
            assertThat(c.getNodeId()).isEqualTo(1);
            assertThat(c.getEligible()).isTrue();
            assertThat(c.getReason()).startsWith("may be promoted");
        });
    }

    @Test
    void aFailedPrimaryWithACandidateIsReplacedNow() {
        Explanation e = explain(primaryGone(), alive(0, 1, 2));

        assertThat(e.getState()).isEqualTo("due");
        assertThat(e.getVerdict()).startsWith("the primary node 0 failed (").contains("the leader promotes one of nodes [1]");
    }

    @Test
    void theFenceWindowHoldsItBackAndSaysUntilWhen() {
        ClusterState s = primarySeenBy(primarySeenBy(twoPlusOne().build(), 1, Health.UNREACHABLE, 200), 2,
                Health.UNREACHABLE, 250);
        Liveness live = new Liveness(Map.of(0, NOW - 700, 1, NOW, 2, NOW), NOW, 500);

        Explanation e = explain(s, live);

        assertThat(e.getState()).isEqualTo("held_back");
        assertThat(e.getHeldUntilMs()).as("last heard + fence_timeout + fence_grace").isEqualTo(WALL + 800);
        assertThat(e.getVerdict()).contains("held back by the fence window until 09:00:00 UTC (800 ms)")
                .contains("fence_timeout 1000 ms + fence_grace 500 ms");
        assertThat(e.getEvidenceList()).hasSize(2);
    }

    @Test
    void aLiveAgentOfAnUnreachablePrimaryHoldsItBackUntilItReportsItsServerGone() {
        Explanation e = explain(unreachableBy(twoPlusOne().build(), 0, 0, 1, 2), alive(0, 1, 2));

        assertThat(e.getState()).isEqualTo("held_back");
        assertThat(e.getVerdict()).contains("until its own agent, which is alive, reports that no process of it remains");
        assertThat(e.getHeldUntilMs()).isZero();
    }

    @Test
    void maintenanceOrAutoFailoverOffHoldsItBack() {
        Explanation e = FailoverExplanation.explain(primaryGone(), alive(0, 1, 2), SETTINGS,
                Optional.of("paused (maintenance mode): no failover until raftpool resume"), WALL, 2);

        assertThat(e.getState()).isEqualTo("held_back");
        assertThat(e.getVerdict()).endsWith(", and paused (maintenance mode): no failover until raftpool resume");
    }

    @Test
    void withoutAnEligibleStandbyEachSaysWhyNot() {
        ClusterState detached = States.of(primaryGone()).backend(1, b -> b.setDetached(true)).build();
        Explanation e = explain(detached, alive(0, 1, 2));

        assertThat(e.getState()).isEqualTo("held_back");
        assertThat(e.getVerdict()).contains("no candidate: no standby is up, attached, with a live agent");
        assertThat(e.getCandidatesList()).singleElement().extracting(CandidateExplanation::getReason)
                .isEqualTo("detached by an operator (raftpool attach-node 1)");

        Explanation silent = explain(primaryGone(), alive(0, 2));
        assertThat(silent.getCandidates(0).getReason()).isEqualTo("its agent is silent: no one could carry out its"
                + " promotion");

        ClusterState nofailover = States.of(primaryGone()).node(1, n -> n.setNofailover(true)).build();
        assertThat(explain(nofailover, alive(0, 1, 2)).getCandidates(0).getReason())
                .isEqualTo("nofailover is set in its config");
    }

    @Test
    void syncModeAllowsOnlyTheCommittedSynchronousStandby() {
        ClusterState s = States.of(primaryGone()).with(b -> b.setSyncMode(true)).build();

        Explanation e = explain(s, alive(0, 1, 2));

        assertThat(e.getCandidates(0).getEligible()).isFalse();
        assertThat(e.getCandidates(0).getReason()).startsWith("sync mode: it is not a committed synchronous standby []");
        assertThat(e.getVerdict()).contains("no candidate: no committed synchronous standby");
    }

    @Test
    void aPromotionUnderWayIsSaidSo() {
        ClusterState s = States.of(twoPlusOne().build()).primary(1, 2, PrimaryPhase.PROMOTING).build();

        Explanation e = explain(s, alive(0, 1, 2));

        assertThat(e.getState()).isEqualTo("failing_over");
        assertThat(e.getVerdict()).startsWith("a promotion is under way: node 1 at epoch 2");
    }
}
