package io.raftpool.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.nemesis.HealPlan.Step;
import io.raftpool.proto.Backend;
import io.raftpool.proto.PrimaryPhase;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A table of node situations and what an operator does about each. */
class HealPlanTest {
    private static final Backend STANDBY = Backend.newBuilder().setNodeId(1).build();
    private static final Backend DIVERGED = Backend.newBuilder().setNodeId(1).setNeedsRecovery(true).build();

    private static List<Step> plan(boolean agent, boolean proxy, boolean pgRunning, Backend b, int primary, PrimaryPhase phase) {
        return HealPlan.plan(new HealPlan.NodeFacts(1, true, agent, proxy, pgRunning, Optional.ofNullable(b), primary, phase,
                true));
    }

    @Test
    void aHealthyNodeNeedsNothing() {
        assertThat(plan(true, true, true, STANDBY, 0, PrimaryPhase.ACTIVE)).isEmpty();
    }

    @Test
    void deadProcessesAreStartedAndTheAgentIsLeftToReconcileItsServer() {
        assertThat(plan(false, false, false, STANDBY, 0, PrimaryPhase.ACTIVE)).containsExactly(Step.START_PROXY, Step.START_AGENT);
        assertThat(plan(true, false, true, STANDBY, 0, PrimaryPhase.ACTIVE)).containsExactly(Step.START_PROXY);
    }

    @Test
    void aStoppedStandbyIsStartedByHand() {
        assertThat(plan(true, true, false, STANDBY, 0, PrimaryPhase.ACTIVE)).containsExactly(Step.START_STANDBY_BY_HAND);
    }

    @Test
    void aFailedOverPrimaryIsRebuiltWhetherItRunsOrNot() {
        assertThat(plan(true, true, false, DIVERGED, 0, PrimaryPhase.ACTIVE)).containsExactly(Step.RECOVER);
        assertThat(plan(true, true, true, DIVERGED, 0, PrimaryPhase.ACTIVE)).containsExactly(Step.RECOVER);
    }

    @Test
    void aRebuildWaitsForThePrimaryItCopiesFrom() {
        assertThat(HealPlan.plan(new HealPlan.NodeFacts(1, true, true, true, false, Optional.of(DIVERGED), 0,
                PrimaryPhase.ACTIVE, false))).isEmpty();
        assertThat(plan(true, true, false, DIVERGED, 0, PrimaryPhase.PROMOTING)).isEmpty();
    }

    @Test
    void aDownPrimaryThatNoFailoverReplacedComesBackThroughItsAgent() {
        assertThat(plan(true, true, false, STANDBY, 1, PrimaryPhase.ACTIVE)).containsExactly(Step.RESTART_AGENT_FOR_PRIMARY);
        // while it is being promoted, nothing is touched
        assertThat(plan(true, true, false, STANDBY, 1, PrimaryPhase.PROMOTING)).isEmpty();
    }

    @Test
    void aWitnessOrAnUnknownStateOnlyGetsItsProcesses() {
        assertThat(HealPlan.plan(new HealPlan.NodeFacts(2, false, true, true, false, Optional.empty(), 0,
                PrimaryPhase.ACTIVE, true))).isEmpty();
        assertThat(plan(true, true, false, null, -1, PrimaryPhase.PHASE_NONE)).isEmpty();
    }
}
