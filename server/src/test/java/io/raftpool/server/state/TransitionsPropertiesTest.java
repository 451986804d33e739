package io.raftpool.server.state;

import static io.raftpool.testkit.InvariantViolated.check;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Operation;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.CommandArbitraries.Apply;
import io.raftpool.server.state.CommandArbitraries.Scenario;
import io.raftpool.server.state.CommandArbitraries.Transition;
import io.raftpool.testkit.MustBeFalsified;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The safety invariants of the state machine, over random command sequences
 * ({@link CommandArbitraries}). Each invariant is a static check of a function
 * {@code (state, command) -> state}; the property runs it on {@link Transitions#apply}, and a
 * second property runs it on a deliberately broken variant of it and must find a (shrunk)
 * counterexample ({@link MustBeFalsified}), which shows the check can fail.
 */
class TransitionsPropertiesTest {
    static final int TRIES = 200;
    /** A broken variant's run stops at its first counterexample; this many tries are the most it may need. */
    static final int BROKEN_TRIES = 2000;

    @Provide
    Arbitrary<Scenario> scenarios() {
        return CommandArbitraries.scenarios();
    }

    @Provide
    Arbitrary<Scenario> syncScenarios() {
        return CommandArbitraries.syncScenarios();
    }

    // ---------------------------------------------------------------------------------------
    // the invariants
    // ---------------------------------------------------------------------------------------

    /** Apply is total: whatever the sequence, no command makes it throw (the run itself checks that). */
    static void applyIsTotal(Apply f, Scenario scenario) {
        scenario.run(f);
    }

    /** The epoch, the fencing token, never goes back. */
    static void epochsNeverGoBack(Apply f, Scenario scenario) {
        for (Transition t : scenario.run(f)) {
            check(t.after().getPrimary().getEpoch() >= t.before().getPrimary().getEpoch(),
                    "epoch went back at command " + t.index(), describe(t));
        }
    }

    /** No two servers are ever the active primary of the same epoch. */
    static void atMostOneActivePrimaryPerEpoch(Apply f, Scenario scenario) {
        Map<Long, Integer> activeAt = new HashMap<>();
        for (Transition t : scenario.run(f)) {
            Primary p = t.after().getPrimary();
            if (p.getPhase() != PrimaryPhase.ACTIVE) {
                continue;
            }
            Integer earlier = activeAt.putIfAbsent(p.getEpoch(), p.getNodeId());
            check(earlier == null || earlier == p.getNodeId(), "two active primaries at epoch " + p.getEpoch()
                    + ": node " + earlier + ", then node " + p.getNodeId() + " after command " + t.index(), describe(t));
        }
    }

    /**
     * S4: a server becomes the active primary of an epoch only after the intent to promote it at
     * that epoch was committed (a state of the log had it PROMOTING, or BOOTSTRAPPING for the
     * first primary); a new epoch always starts as such an intent, naming its target.
     */
    static void everyPromotionIsPrecededByItsCommittedIntent(Apply f, Scenario scenario) {
        java.util.Set<String> intents = new java.util.HashSet<>();
        for (Transition t : scenario.run(f)) {
            Primary before = t.before().getPrimary();
            Primary p = t.after().getPrimary();
            if (p.getEpoch() > before.getEpoch()) {
                boolean intent = p.getPhase() == PrimaryPhase.BOOTSTRAPPING
                        || (p.getPhase() == PrimaryPhase.PROMOTING && t.after().getOperation().getEpoch() == p.getEpoch()
                        && t.after().getOperation().getTarget() == p.getNodeId());
                check(intent, "epoch " + p.getEpoch() + " began without a committed intent at command " + t.index(),
                        describe(t));
            }
            if (p.getPhase() == PrimaryPhase.PROMOTING || p.getPhase() == PrimaryPhase.BOOTSTRAPPING) {
                intents.add(p.getNodeId() + "@" + p.getEpoch());
            }
            if (p.getPhase() == PrimaryPhase.ACTIVE) {
                check(intents.contains(p.getNodeId() + "@" + p.getEpoch()), "node " + p.getNodeId()
                        + " is active primary at epoch " + p.getEpoch() + " without a committed intent, command "
                        + t.index(), describe(t));
            }
        }
    }

    /** S3: in sync mode a failover promotes only a standby the committed state records as synchronous. */
    static void syncModeFailoverOnlyPromotesACommittedSyncStandby(Apply f, Scenario scenario) {
        for (Transition t : scenario.run(f)) {
            Primary p = t.after().getPrimary();
            if (t.before().getSyncMode() && p.getEpoch() > t.before().getPrimary().getEpoch()
                    && t.after().getOperation().getKind() == Operation.Kind.FAILOVER) {
                check(t.before().getSyncStandbysList().contains(p.getNodeId()), "failover at command " + t.index()
                        + " promotes node " + p.getNodeId() + ", not in the committed sync set "
                        + t.before().getSyncStandbysList(), describe(t));
            }
        }
    }

    /**
     * S4 (actions are idempotent): a command applied a second time right after it applied
     * changes nothing but the event log, whatever happened before. AppendEvent, whose whole
     * effect is an event, is left out.
     */
    static void commandsAreIdempotent(Apply f, Scenario scenario) {
        for (Transition t : scenario.run(f)) {
            if (t.command().hasAppendEvent()) {
                continue;
            }
            ClusterState again = f.apply(t.after(), t.command());
            check(withoutEvents(again).equals(withoutEvents(t.after())), "applying command " + t.index()
                    + " twice is not applying it once", describe(t), "twice:  " + brief(again) + ", " + again.getBackendsCount() + " backend entries");
        }
    }

    static ClusterState withoutEvents(ClusterState s) {
        return s.toBuilder().clearEvents().clearNextEventSeq().build();
    }

    static String describe(Transition t) {
        return "command: " + t.command().toString().replace("\n", " ") + "\n  before: " + brief(t.before())
                + "\n  after:  " + brief(t.after());
    }

    static String brief(ClusterState s) {
        Primary p = s.getPrimary();
        return "primary node " + p.getNodeId() + " epoch " + p.getEpoch() + " " + p.getPhase() + ", operation "
                + s.getOperation().getKind() + "@" + s.getOperation().getEpoch() + " target " + s.getOperation().getTarget()
                + ", sync " + s.getSyncStandbysList() + ", nodes " + ClusterStates.nodeIds(s) + ", backends "
                + ClusterStates.backendIds(s);
    }

    // ---------------------------------------------------------------------------------------
    // deliberately broken variants of Transitions.apply (test code only)
    // ---------------------------------------------------------------------------------------

    static ClusterState withEpoch(ClusterState s, long epoch) {
        return s.toBuilder().setPrimary(s.getPrimary().toBuilder().setEpoch(epoch)).build();
    }

    /**
     * Applies {@code c} as if the state were {@code pretended}, a doctored copy of {@code s}: the
     * way the broken variants skip a check. A command refused even so leaves {@code s} unchanged.
     */
    static ClusterState applyPretending(ClusterState s, ClusterState pretended, Command c) {
        return Transitions.validate(pretended, c).isPresent() ? s : Transitions.apply(pretended, c);
    }

    /** Looks the marked server up without asking whether it is in the cluster. */
    static final Apply MARKS_UNKNOWN_SERVERS = (s, c) -> {
        if (c.hasMark()) {
            s.getBackends(ClusterStates.indexOfBackend(s, c.getMark().getNodeId()));
        }
        return Transitions.apply(s, c);
    };

    /** Takes a BeginFailover's epoch on trust instead of requiring the committed epoch + 1. */
    static final Apply SKIPS_EPOCH_CHECK = (s, c) -> c.hasBeginFailover()
            ? applyPretending(s, withEpoch(s, c.getBeginFailover().getNewEpoch() - 1), c) : Transitions.apply(s, c);

    /** Off by one: also accepts a BeginFailover at the committed epoch itself. */
    static final Apply ACCEPTS_THE_SAME_EPOCH = (s, c) -> c.hasBeginFailover()
            && c.getBeginFailover().getNewEpoch() == s.getPrimary().getEpoch()
            ? applyPretending(s, withEpoch(s, s.getPrimary().getEpoch() - 1), c) : Transitions.apply(s, c);

    /** Promotes on the BeginFailover itself: the new primary is active before any intent was committed. */
    static final Apply PROMOTES_WITHOUT_INTENT = (s, c) -> {
        ClusterState next = Transitions.apply(s, c);
        return c.hasBeginFailover() && next.getPrimary().getEpoch() > s.getPrimary().getEpoch()
                ? next.toBuilder().setPrimary(next.getPrimary().toBuilder().setPhase(PrimaryPhase.ACTIVE)).build() : next;
    };

    /** Forgets S3: a failover's target counts as synchronous whatever the committed set says. */
    static final Apply IGNORES_THE_SYNC_SET = (s, c) -> c.hasBeginFailover()
            ? applyPretending(s, s.toBuilder().addSyncStandbys(c.getBeginFailover().getTarget()).build(), c)
            : Transitions.apply(s, c);

    /** AddNode that does not check whether the node is in the cluster already. */
    static final Apply ADDS_A_NODE_TWICE = (s, c) -> {
        if (!c.hasAddNode()) {
            return Transitions.apply(s, c);
        }
        int id = c.getAddNode().getNode().getId();
        return applyPretending(s, s.toBuilder().clearNodes()
                .addAllNodes(s.getNodesList().stream().filter(n -> n.getId() != id).toList()).build(), c);
    };

    // ---------------------------------------------------------------------------------------
    // the properties: each on the real apply, and on its broken variant
    // ---------------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void applyIsTotal(@ForAll("scenarios") Scenario s) {
        applyIsTotal(Transitions::apply, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void applyIsTotal_catchesAnApplyThatLooksUpUnknownServers(@ForAll("scenarios") Scenario s) {
        applyIsTotal(MARKS_UNKNOWN_SERVERS, s);
    }

    @Property(tries = TRIES)
    void epochsNeverGoBack(@ForAll("scenarios") Scenario s) {
        epochsNeverGoBack(Transitions::apply, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void epochsNeverGoBack_catchesAnApplyThatSkipsTheEpochCheck(@ForAll("scenarios") Scenario s) {
        epochsNeverGoBack(SKIPS_EPOCH_CHECK, s);
    }

    @Property(tries = TRIES)
    void atMostOneActivePrimaryPerEpoch(@ForAll("scenarios") Scenario s) {
        atMostOneActivePrimaryPerEpoch(Transitions::apply, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void atMostOneActivePrimaryPerEpoch_catchesAnApplyThatAcceptsTheSameEpochTwice(@ForAll("scenarios") Scenario s) {
        atMostOneActivePrimaryPerEpoch(ACCEPTS_THE_SAME_EPOCH, s);
    }

    @Property(tries = TRIES)
    void everyPromotionIsPrecededByItsCommittedIntent(@ForAll("scenarios") Scenario s) {
        everyPromotionIsPrecededByItsCommittedIntent(Transitions::apply, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void everyPromotionIsPrecededByItsCommittedIntent_catchesAnApplyThatPromotesAtOnce(@ForAll("scenarios") Scenario s) {
        everyPromotionIsPrecededByItsCommittedIntent(PROMOTES_WITHOUT_INTENT, s);
    }

    @Property(tries = TRIES)
    void syncModeFailoverOnlyPromotesACommittedSyncStandby(@ForAll("syncScenarios") Scenario s) {
        syncModeFailoverOnlyPromotesACommittedSyncStandby(Transitions::apply, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void syncModeFailoverOnlyPromotesACommittedSyncStandby_catchesAnApplyThatIgnoresTheSyncSet(
            @ForAll("syncScenarios") Scenario s) {
        syncModeFailoverOnlyPromotesACommittedSyncStandby(IGNORES_THE_SYNC_SET, s);
    }

    @Property(tries = TRIES)
    void commandsAreIdempotent(@ForAll("scenarios") Scenario s) {
        commandsAreIdempotent(Transitions::apply, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void commandsAreIdempotent_catchesAnAddNodeThatAddsTwice(@ForAll("scenarios") Scenario s) {
        commandsAreIdempotent(ADDS_A_NODE_TWICE, s);
    }

    /**
     * The generator is worth its name: a fair share of the real sequences reach new epochs,
     * completed promotions and sync-mode failovers (else the properties above would hold vacuously).
     */
    @Property(tries = 300)
    void sequencesReachFailoversAndPromotions(@ForAll("scenarios") Scenario s) {
        List<Transition> trace = s.run(Transitions::apply);
        ClusterState last = trace.get(trace.size() - 1).after();
        boolean syncFailover = trace.stream().anyMatch(t -> t.before().getSyncMode()
                && t.after().getPrimary().getEpoch() > t.before().getPrimary().getEpoch()
                && t.after().getOperation().getKind() == Operation.Kind.FAILOVER);
        boolean promoted = trace.stream().anyMatch(t -> t.command().hasPromotionDone() && t.after() != t.before());
        net.jqwik.api.statistics.Statistics.label("new epoch").collect(last.getPrimary().getEpoch() > 1);
        net.jqwik.api.statistics.Statistics.label("promotion done").collect(promoted);
        net.jqwik.api.statistics.Statistics.label("sync-mode failover").collect(syncFailover);
        net.jqwik.api.statistics.Statistics.label("new epoch").coverage(c -> c.check(true).percentage(p -> p >= 25));
        net.jqwik.api.statistics.Statistics.label("promotion done").coverage(c -> c.check(true).percentage(p -> p >= 8));
        net.jqwik.api.statistics.Statistics.label("sync-mode failover").coverage(c -> c.check(true).count(n -> n >= 3));
    }
}
