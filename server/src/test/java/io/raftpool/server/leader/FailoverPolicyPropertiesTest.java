package io.raftpool.server.leader;

import static io.raftpool.testkit.InvariantViolated.check;

import io.raftpool.config.FailoverSettings;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Health;
import io.raftpool.proto.Observation;
import io.raftpool.server.leader.FailoverPolicy.Assessment;
import io.raftpool.server.leader.FailoverPolicy.CandidateProbe;
import io.raftpool.server.leader.FailoverPolicy.Failed;
import io.raftpool.server.leader.LeaderArbitraries.Situation;
import io.raftpool.server.state.ClusterStates;
import io.raftpool.testkit.MustBeFalsified;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The failover decision's safety, over random committed states and liveness: the leader
 * promotes around a silent primary only after its fencing window (S6), never around a primary
 * whose own live agent sees it healthy, and in sync mode picks only a committed synchronous
 * standby (S3). "Promotes now" is {@link FailoverPolicy#assess} returning a {@link Failed}
 * that is {@link Failed#promotableAt} now, which is the rule LeaderDuties applies. Each
 * property has a twin run against a broken variant that must yield a counterexample.
 */
class FailoverPolicyPropertiesTest {
    static final int TRIES = 500;
    static final int BROKEN_TRIES = 5000;

    @FunctionalInterface
    interface Assess {
        Assessment assess(ClusterState state, Liveness liveness, FailoverSettings settings);
    }

    @FunctionalInterface
    interface Eligible {
        List<Integer> eligible(ClusterState state, Liveness liveness, int excluded);
    }

    @Provide
    Arbitrary<Situation> situations() {
        return LeaderArbitraries.situations();
    }

    // ---------------------------------------------------------------------------------------
    // the invariants
    // ---------------------------------------------------------------------------------------

    /**
     * S6: around a primary whose agent is silent, the leader promotes only once that agent has
     * been silent for the fence timeout plus the grace (its own fence has certainly fired), and
     * never around one it has no record of hearing from.
     */
    static void promotesAroundASilentPrimaryOnlyAfterItsFencingWindow(Assess f, Situation s) {
        Liveness live = s.liveness();
        Assessment a = f.assess(s.state(), live, s.settings());
        if (!(a instanceof Failed failed) || !failed.promotableAt(live.nowMs()) || live.alive(failed.primary())) {
            return;
        }
        OptionalLong heard = live.lastHeard(failed.primary());
        long window = s.fenceTimeoutMs() + s.fenceGraceMs();
        check(heard.isPresent() && live.nowMs() - heard.getAsLong() >= window,
                "promotes around silent primary " + failed.primary() + " heard "
                        + (heard.isPresent() ? (live.nowMs() - heard.getAsLong()) + " ms ago" : "never")
                        + ", before its fencing window of " + window + " ms has passed", s, a);
    }

    /**
     * S6, unreachable is not dead: around a primary whose own agent is alive, the leader promotes
     * only once that agent has committed that no process of the server remains (NOT_RUNNING).
     */
    static void promotesAroundALivePrimaryAgentOnlyOnceItReportsTheServerGone(Assess f, Situation s) {
        Liveness live = s.liveness();
        Assessment a = f.assess(s.state(), live, s.settings());
        if (!(a instanceof Failed failed) || !failed.promotableAt(live.nowMs()) || !live.alive(failed.primary())) {
            return;
        }
        boolean reportedGone = ClusterStates.observation(s.state(), failed.primary(), failed.primary())
                .map(o -> o.getHealth() == Health.NOT_RUNNING).orElse(false);
        check(reportedGone, "promotes around primary " + failed.primary() + " whose live agent has not reported it gone",
                s, a);
    }

    /** A primary whose own agent is alive and has committed that it sees it healthy is never failed over. */
    static void neverFailsOverAPrimaryItsLiveAgentSeesHealthy(Assess f, Situation s) {
        ClusterState state = s.state();
        Liveness live = s.liveness();
        int primary = state.getPrimary().getNodeId();
        boolean confirmedAlive = live.alive(primary) && ClusterStates.observation(state, primary, primary)
                .map(o -> o.getHealth() == Health.HEALTHY).orElse(false);
        if (!confirmedAlive) {
            return;
        }
        Assessment a = f.assess(state, live, s.settings());
        check(!(a instanceof Failed), "fails over primary " + primary + " although its live agent sees it healthy", s, a);
    }

    /** S3: in sync mode, only a committed synchronous standby is a candidate, so only one is chosen. */
    static void syncModeChoosesOnlyACommittedSyncStandby(Eligible f, Situation s) {
        ClusterState state = s.state();
        if (!state.getSyncMode()) {
            return;
        }
        List<Integer> eligible = f.eligible(state, s.liveness(), state.getPrimary().getNodeId());
        Map<Integer, CandidateProbe> probes = new HashMap<>();
        for (int id : eligible) {
            probes.put(id, new CandidateProbe(true, true, 0x3000000L + 0x100L * id, ""));
        }
        Optional<FailoverPolicy.Choice> choice = FailoverPolicy.choose(state, eligible, probes);
        if (choice.isPresent()) {
            check(state.getSyncStandbysList().contains(choice.get().target()), "in sync mode chose node "
                    + choice.get().target() + ", not in the committed sync set " + state.getSyncStandbysList(), s,
                    "eligible: " + eligible);
        }
    }

    // ---------------------------------------------------------------------------------------
    // deliberately broken variants (test code only)
    // ---------------------------------------------------------------------------------------

    /** Promotes as soon as the primary is found failed: no fencing wait at all. */
    static final Assess PROMOTES_AT_ONCE = (state, live, settings) -> FailoverPolicy.assess(state, live, settings)
            instanceof Failed f ? new Failed(f.primary(), f.reason(), f.evidence(), f.detectedAtMs(), 0)
            : FailoverPolicy.assess(state, live, settings);

    /** The rule before issue 19: a live own agent that also cannot reach its server counts as proof of death. */
    static final Assess UNREACHABLE_TAKEN_FOR_DEAD = (state, live, settings) -> FailoverPolicy.assess(state, live,
            settings) instanceof Failed f && f.waitsForItsAgent()
            ? new Failed(f.primary(), f.reason(), f.evidence(), f.detectedAtMs(), 0)
            : FailoverPolicy.assess(state, live, settings);

    /** Waits the agent's fence timeout but forgets the grace that covers the fence's own delay. */
    static final Assess FORGETS_THE_GRACE = (state, live, settings) -> FailoverPolicy.assess(state, live,
            new FailoverSettings(settings.auto(), settings.fenceTimeout(), Duration.ZERO, settings.promoteTimeout(),
                    settings.agentTimeout(), settings.autoRejoin()));

    /** Counts only the other agents' reports: the own agent's word that its server is healthy is ignored. */
    static final Assess IGNORES_THE_OWN_AGENT = (state, live, settings) -> {
        int primary = state.getPrimary().getNodeId();
        List<Observation> others = state.getObservationsList().stream()
                .filter(o -> !(o.getObserver() == primary && o.getSubject() == primary)).toList();
        return FailoverPolicy.assess(state.toBuilder().clearObservations().addAllObservations(others).build(), live,
                settings);
    };

    /** Forgets S3: every up standby is a candidate, synchronous or not. */
    static final Eligible IGNORES_SYNC_MODE = (state, live, excluded) ->
            FailoverPolicy.eligible(state.toBuilder().setSyncMode(false).build(), live, excluded);

    // ---------------------------------------------------------------------------------------
    // the properties
    // ---------------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void promotesAroundASilentPrimaryOnlyAfterItsFencingWindow(@ForAll("situations") Situation s) {
        promotesAroundASilentPrimaryOnlyAfterItsFencingWindow(FailoverPolicy::assess, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void promotesAroundASilentPrimaryOnlyAfterItsFencingWindow_catchesAPolicyThatPromotesAtOnce(
            @ForAll("situations") Situation s) {
        promotesAroundASilentPrimaryOnlyAfterItsFencingWindow(PROMOTES_AT_ONCE, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void promotesAroundASilentPrimaryOnlyAfterItsFencingWindow_catchesAPolicyThatForgetsTheGrace(
            @ForAll("situations") Situation s) {
        promotesAroundASilentPrimaryOnlyAfterItsFencingWindow(FORGETS_THE_GRACE, s);
    }

    @Property(tries = TRIES)
    void promotesAroundALivePrimaryAgentOnlyOnceItReportsTheServerGone(@ForAll("situations") Situation s) {
        promotesAroundALivePrimaryAgentOnlyOnceItReportsTheServerGone(FailoverPolicy::assess, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void promotesAroundALivePrimaryAgentOnlyOnceItReportsTheServerGone_catchesUnreachableTakenForDead(
            @ForAll("situations") Situation s) {
        promotesAroundALivePrimaryAgentOnlyOnceItReportsTheServerGone(UNREACHABLE_TAKEN_FOR_DEAD, s);
    }

    @Property(tries = TRIES)
    void neverFailsOverAPrimaryItsLiveAgentSeesHealthy(@ForAll("situations") Situation s) {
        neverFailsOverAPrimaryItsLiveAgentSeesHealthy(FailoverPolicy::assess, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void neverFailsOverAPrimaryItsLiveAgentSeesHealthy_catchesAPolicyThatIgnoresTheOwnAgent(
            @ForAll("situations") Situation s) {
        neverFailsOverAPrimaryItsLiveAgentSeesHealthy(IGNORES_THE_OWN_AGENT, s);
    }

    @Property(tries = TRIES)
    void syncModeChoosesOnlyACommittedSyncStandby(@ForAll("situations") Situation s) {
        syncModeChoosesOnlyACommittedSyncStandby(FailoverPolicy::eligible, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void syncModeChoosesOnlyACommittedSyncStandby_catchesAPolicyThatIgnoresSyncMode(@ForAll("situations") Situation s) {
        syncModeChoosesOnlyACommittedSyncStandby(IGNORES_SYNC_MODE, s);
    }
}
