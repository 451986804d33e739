package io.raftpool.server.leader;

import static io.raftpool.server.leader.StatusPolicyTest.NOW;
import static io.raftpool.server.leader.StatusPolicyTest.alive;
import static io.raftpool.server.leader.StatusPolicyTest.ownSees;
import static io.raftpool.server.leader.StatusPolicyTest.unreachableBy;
import static io.raftpool.testkit.States.T0;
import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.config.FailoverSettings;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Health;
import io.raftpool.proto.Observation;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.leader.FailoverPolicy.CandidateProbe;
import io.raftpool.server.leader.FailoverPolicy.Choice;
import io.raftpool.server.leader.FailoverPolicy.Failed;
import io.raftpool.server.leader.FailoverPolicy.Healthy;
import io.raftpool.testkit.States;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The failover decision: is the primary failed, who may replace it, and who does. */
class FailoverPolicyTest {
    static final FailoverSettings SETTINGS = new FailoverSettings(true, Duration.ofMillis(1000), Duration.ofMillis(500),
            Duration.ofSeconds(10), Duration.ofMillis(750), false);

    // ---------------------------------------------------------------------------------------
    // assess
    // ---------------------------------------------------------------------------------------

    static ClusterState primarySeenBy(ClusterState s, int observer, Health h, long atOffset) {
        Observation o = States.observation(observer, 0, h, BackendRole.ROLE_UNKNOWN, false,
                h == Health.NOT_RUNNING ? "postmaster is not running" : "connection refused");
        return States.of(s).observed(o.toBuilder().setAtMs(T0 + atOffset).build()).build();
    }

    static Stream<Arguments> healthyOnes() {
        ClusterState ok = twoPlusOne().build();
        return Stream.of(
                Arguments.of("everything healthy", ok, alive(0, 1, 2)),
                Arguments.of("one agent cannot reach it", unreachableBy(ok, 0, 2), alive(0, 1, 2)),
                Arguments.of("one agent cannot reach it and its own agent is silent", unreachableBy(ok, 0, 2), alive(1, 2)),
                Arguments.of("two agents cannot reach it but its own live agent sees it healthy",
                        unreachableBy(ok, 0, 1, 2), alive(0, 1, 2)),
                Arguments.of("the second report comes from a dead agent", unreachableBy(ok, 0, 1, 2), alive(2)),
                Arguments.of("its own dead agent's last word was 'no postmaster'",
                        ownSees(ok, 0, Health.NOT_RUNNING, BackendRole.ROLE_UNKNOWN, false), alive(1, 2)),
                Arguments.of("no active primary: bootstrapping",
                        unreachableBy(States.of(ok).primary(0, 1, PrimaryPhase.BOOTSTRAPPING).build(), 0, 1, 2), alive(1, 2)),
                Arguments.of("no active primary: promoting",
                        unreachableBy(States.of(ok).primary(0, 2, PrimaryPhase.PROMOTING).build(), 0, 1, 2), alive(1, 2)),
                Arguments.of("no active primary: none",
                        unreachableBy(States.of(ok).primary(0, 2, PrimaryPhase.PHASE_NONE).build(), 0, 1, 2), alive(1, 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("healthyOnes")
    void noFailoverWithoutCertainOrCorroboratedEvidence(String name, ClusterState s, Liveness live) {
        assertThat(FailoverPolicy.assess(s, live, SETTINGS)).isInstanceOf(Healthy.class);
    }

    @Test
    void theOwnAgentSeeingNoPostmasterIsCertainAndLeavesNothingToWaitFor() {
        ClusterState s = primarySeenBy(twoPlusOne().build(), 0, Health.NOT_RUNNING, 300);

        Failed f = (Failed) FailoverPolicy.assess(s, alive(0, 1, 2), SETTINGS);

        assertThat(f.primary()).isZero();
        assertThat(f.reason()).contains("its agent sees no PostgreSQL process");
        assertThat(f.promoteNotBeforeMs()).isZero();
        assertThat(f.detectedAtMs()).isEqualTo(T0 + 300);
        assertThat(f.evidence()).singleElement().asString().startsWith("agent 0 saw no postmaster")
                .endsWith(": postmaster is not running");
    }

    @Test
    void twoLiveAgentsThatCannotReachItWhileItsOwnAgentIsSilentWaitOutTheFencingWindow() {
        ClusterState s = primarySeenBy(primarySeenBy(twoPlusOne().build(), 1, Health.UNREACHABLE, 200), 2, Health.UNREACHABLE, 250);
        long lastHeard = NOW - 2_000;
        Liveness live = new Liveness(Map.of(0, lastHeard, 1, NOW, 2, NOW), NOW, 750);

        Failed f = (Failed) FailoverPolicy.assess(s, live, SETTINGS);

        assertThat(f.promoteNotBeforeMs()).isEqualTo(lastHeard + 1000 + 500);
        assertThat(f.detectedAtMs()).as("the later of the two reports").isEqualTo(T0 + 250);
        assertThat(f.reason()).startsWith("2 agents cannot reach it").endsWith("its own agent is silent");
        assertThat(f.evidence()).hasSize(2).allSatisfy(e -> assertThat(e).contains("could not reach it"));
        assertThat(f.evidence().get(0)).startsWith("agent 1");
        assertThat(f.evidence().get(1)).startsWith("agent 2");
    }

    /**
     * A primary's agent stopped for a planned restart committed a window and extended its
     * watchdog's lease by it: the leader may not promote before that window (plus the grace)
     * has passed, even though the agent has long been silent.
     */
    @Test
    void aRestartWindowOfTheSilentAgentIsWaitedOutBeforeAnyPromotion() {
        ClusterState s = primarySeenBy(primarySeenBy(twoPlusOne().build(), 1, Health.UNREACHABLE, 200), 2, Health.UNREACHABLE, 250);
        long lastHeard = NOW - 2_000;
        Liveness live = new Liveness(Map.of(0, lastHeard, 1, NOW, 2, NOW), NOW, 750, Map.of(0, NOW + 20_000));

        Failed f = (Failed) FailoverPolicy.assess(s, live, SETTINGS);

        assertThat(f.promoteNotBeforeMs()).isEqualTo(NOW + 20_000 + 500);
        assertThat(f.evidence()).last().asString().contains("stopped for a restart").contains("20000 ms from now");
    }

    @Test
    void aRestartWindowThatEndsBeforeTheFencingWaitChangesNothing() {
        ClusterState s = primarySeenBy(primarySeenBy(twoPlusOne().build(), 1, Health.UNREACHABLE, 200), 2, Health.UNREACHABLE, 250);
        long lastHeard = NOW - 200;
        Liveness live = new Liveness(Map.of(0, lastHeard, 1, NOW, 2, NOW), NOW, 100, Map.of(0, NOW + 100));

        Failed f = (Failed) FailoverPolicy.assess(s, live, SETTINGS);

        assertThat(f.promoteNotBeforeMs()).isEqualTo(lastHeard + 1500);
    }

    @Test
    void anOwnAgentNeverHeardOfCountsAsHeardNowSoTheWaitIsNeverShorterThanTheTruth() {
        ClusterState s = unreachableBy(twoPlusOne().build(), 0, 1, 2);
        Liveness live = new Liveness(Map.of(1, NOW, 2, NOW), NOW, 750);

        Failed f = (Failed) FailoverPolicy.assess(s, live, SETTINGS);

        assertThat(f.promoteNotBeforeMs()).isEqualTo(NOW + 1500);
    }

    /**
     * Unreachable is not dead (S6, issue 19): with its postmaster hung, the old primary's open
     * sessions still commit. Its live agent kills it and reports NOT_RUNNING; until then no one
     * is promoted (before, this promoted at once and five direct inserts were acknowledged by
     * the old primary after the new one took writes).
     */
    @Test
    void anOwnAgentThatAgreesButIsAliveMustReportTheServerGoneBeforeAnyPromotion() {
        ClusterState s = unreachableBy(twoPlusOne().build(), 0, 0, 1, 2);

        Failed f = (Failed) FailoverPolicy.assess(s, alive(0, 1, 2), SETTINGS);

        assertThat(f.promotableAt(Long.MAX_VALUE - 1)).isFalse();
        assertThat(f.evidence()).hasSize(4).last().asString().contains("waiting for agent 0 to report its server gone");
    }

    @Test
    void aDeadAgentsStaleReportIsNotPartOfTheEvidence() {
        ClusterState s = ownSees(unreachableBy(twoPlusOne().build(), 0, 1, 2), 0, Health.NOT_RUNNING, BackendRole.ROLE_UNKNOWN, false);
        s = States.of(s).observed(3, 0, Health.UNREACHABLE, BackendRole.ROLE_UNKNOWN, false, "stale").build();

        Failed f = (Failed) FailoverPolicy.assess(s, alive(1, 2), SETTINGS);

        assertThat(f.evidence()).extracting(e -> e.substring(0, 7)).containsExactly("agent 1", "agent 2");
        assertThat(f.promoteNotBeforeMs()).as("not certain: its own agent is dead").isPositive();
    }

    // ---------------------------------------------------------------------------------------
    // eligible
    // ---------------------------------------------------------------------------------------

    /** Node 0 primary (failed), standbys 1 and 2, witness 3. */
    static ClusterState threePlusOne() {
        return States.cluster(3, 1).build();
    }

    static Stream<Arguments> eligibility() {
        ClusterState s = threePlusOne();
        return Stream.of(
                Arguments.of("every up standby with a live agent", s, alive(1, 2, 3), List.of(1, 2)),
                Arguments.of("a down standby",
                        States.of(s).backend(1, b -> b.setStatus(BackendStatus.DOWN)).build(), alive(1, 2, 3), List.of(2)),
                Arguments.of("a standby never seen up",
                        States.of(s).backend(1, b -> b.setStatus(BackendStatus.STATUS_UNKNOWN)).build(),
                        alive(1, 2, 3), List.of(2)),
                Arguments.of("a standby being rebuilt",
                        States.of(s).backend(1, b -> b.setStatus(BackendStatus.RECOVERING)).build(),
                        alive(1, 2, 3), List.of(2)),
                Arguments.of("a detached standby",
                        States.of(s).backend(1, b -> b.setDetached(true)).build(), alive(1, 2, 3), List.of(2)),
                Arguments.of("a standby that needs recovery",
                        States.of(s).backend(2, b -> b.setNeedsRecovery(true)).build(), alive(1, 2, 3), List.of(1)),
                Arguments.of("a nofailover standby",
                        States.of(s).node(2, n -> n.setNofailover(true)).build(), alive(1, 2, 3), List.of(1)),
                Arguments.of("a standby whose agent is dead", s, alive(1, 3), List.of(1)),
                Arguments.of("the failed primary itself, even if shown as an up standby",
                        States.of(s).backend(0, b -> b.setRole(BackendRole.STANDBY)).build(), alive(0, 1, 2, 3),
                        List.of(1, 2)),
                Arguments.of("a backend in role primary",
                        States.of(s).backend(2, b -> b.setRole(BackendRole.PRIMARY)).build(), alive(1, 2, 3), List.of(1)),
                Arguments.of("nobody", States.of(s).backend(1, b -> b.setDetached(true))
                        .backend(2, b -> b.setStatus(BackendStatus.DOWN)).build(), alive(1, 2, 3), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eligibility")
    void onlyUpAttachedStandbysThatMayFailOverAndHaveALiveAgentAreEligible(String name, ClusterState s, Liveness live,
                                                                           List<Integer> expected) {
        assertThat(FailoverPolicy.eligible(s, live, 0)).containsExactlyElementsOf(expected);
    }

    // ---------------------------------------------------------------------------------------
    // choose
    // ---------------------------------------------------------------------------------------

    static CandidateProbe standbyAt(long lsn) {
        return new CandidateProbe(true, true, lsn, "");
    }

    static ClusterState priorities(int p1, int p2) {
        return States.of(threePlusOne()).node(1, n -> n.setPriority(p1)).node(2, n -> n.setPriority(p2)).build();
    }

    static Stream<Arguments> choices() {
        CandidateProbe unreachable = new CandidateProbe(false, false, 0, "connection refused");
        CandidateProbe promoted = new CandidateProbe(true, false, 0x9000000L, "");
        return Stream.of(
                Arguments.of("the highest WAL position wins", priorities(0, 0),
                        Map.of(1, standbyAt(0x3000100L), 2, standbyAt(0x3000200L)), Optional.of(2)),
                Arguments.of("WAL position before priority", priorities(100, 0),
                        Map.of(1, standbyAt(0x3000100L), 2, standbyAt(0x3000200L)), Optional.of(2)),
                Arguments.of("a WAL tie goes to the higher priority", priorities(0, 5),
                        Map.of(1, standbyAt(0x3000100L), 2, standbyAt(0x3000100L)), Optional.of(2)),
                Arguments.of("a negative priority loses a tie", priorities(-1, 0),
                        Map.of(1, standbyAt(0x3000100L), 2, standbyAt(0x3000100L)), Optional.of(2)),
                Arguments.of("a full tie goes to the lower id", priorities(3, 3),
                        Map.of(1, standbyAt(0x3000100L), 2, standbyAt(0x3000100L)), Optional.of(1)),
                Arguments.of("WAL positions beyond 32 bits compare as numbers", priorities(0, 0),
                        Map.of(1, standbyAt(0x1_0000_0000L), 2, standbyAt(0xFFFF_FFFFL)), Optional.of(1)),
                Arguments.of("a candidate that answered as a primary is skipped", priorities(0, 0),
                        Map.of(1, standbyAt(0x3000100L), 2, promoted), Optional.of(1)),
                Arguments.of("an unreachable candidate is skipped", priorities(0, 0),
                        Map.of(1, unreachable, 2, standbyAt(0x100L)), Optional.of(2)),
                Arguments.of("a candidate not asked is skipped", priorities(0, 0),
                        Map.of(2, standbyAt(0x100L)), Optional.of(2)),
                Arguments.of("nobody answered as a standby", priorities(0, 0),
                        Map.of(1, unreachable, 2, promoted), Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("choices")
    void theBestStandbyIsChosen(String name, ClusterState s, Map<Integer, CandidateProbe> probes,
                                Optional<Integer> expected) {
        assertThat(FailoverPolicy.choose(s, List.of(1, 2), probes).map(Choice::target)).isEqualTo(expected);
    }

    @Test
    void onlyEligibleCandidatesAreChosenWhateverTheyAnswer() {
        Map<Integer, CandidateProbe> probes = Map.of(1, standbyAt(0x100L), 2, standbyAt(0x900L));

        assertThat(FailoverPolicy.choose(threePlusOne(), List.of(1), probes).map(Choice::target)).contains(1);
        assertThat(FailoverPolicy.choose(threePlusOne(), List.of(), probes)).isEmpty();
    }

    @Test
    void theChoiceSaysWhichPositionWonAmongHowMany() {
        Choice c = FailoverPolicy.choose(threePlusOne(), List.of(1, 2),
                Map.of(1, standbyAt(0x1_0000_0A00L), 2, standbyAt(0x10L))).orElseThrow();

        assertThat(c.target()).isEqualTo(1);
        assertThat(c.walLsn()).isEqualTo(0x1_0000_0A00L);
        assertThat(c.reason()).isEqualTo("highest WAL position 1/A00 of 2 candidate(s)");
    }

    @Test
    void whenNobodyQualifiesTheReasonNamesEachCandidate() {
        Map<Integer, CandidateProbe> probes = new HashMap<>();
        probes.put(1, new CandidateProbe(false, false, 0, "connection refused"));
        probes.put(2, new CandidateProbe(true, false, 0, ""));

        assertThat(FailoverPolicy.whyNoCandidate(threePlusOne(), List.of(), probes))
                .startsWith("no standby is up, attached");
        assertThat(FailoverPolicy.whyNoCandidate(threePlusOne(), List.of(1, 2, 3), probes)).isEqualTo(
                "no candidate answered as a standby (node 1: connection refused; node 2: not in recovery; node 3: not asked)");
    }

    @Test
    void walPositionsArePrintedAsPostgresDoes() {
        assertThat(FailoverPolicy.formatLsn(0)).isEqualTo("0/0");
        assertThat(FailoverPolicy.formatLsn(0x3000060L)).isEqualTo("0/3000060");
        assertThat(FailoverPolicy.formatLsn(0x16_B374_D848L)).isEqualTo("16/B374D848");
    }
}
