package io.raftpool.server.local;

import static io.raftpool.testkit.InvariantViolated.check;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Operation;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.Recovery;
import io.raftpool.server.local.LocalPlanner.Action;
import io.raftpool.server.local.LocalPlanner.Facts;
import io.raftpool.server.state.ClusterStates;
import io.raftpool.server.state.CommandArbitraries;
import io.raftpool.testkit.MustBeFalsified;
import java.util.Optional;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * What an agent does to its own PostgreSQL, over random committed states and local facts: it
 * never makes its server a primary unless the committed state says this node is the primary
 * in that very phase and epoch (and it is in contact and caught up), and a server running as
 * primary against the committed state is fenced or stopped (S2, S6). Each property has a twin
 * run against a broken variant of the planner that must yield a counterexample.
 */
class LocalPlannerPropertiesTest {
    static final int TRIES = 500;
    static final int BROKEN_TRIES = 3000;
    static final long FENCE_TIMEOUT_MS = 1500;

    /** The committed state the agent sees, as a few choices. */
    record Committed(int primary, long epoch, PrimaryPhase phase, Operation.Kind operation, int oldPrimary,
                     boolean finalLsnKnown, boolean recoveryOfSelf, boolean needsRecovery, boolean rejoin) {

        ClusterState state(int self) {
            ClusterState.Builder b = ClusterState.newBuilder().setClusterName("props")
                    .setPrimary(Primary.newBuilder().setNodeId(primary).setEpoch(epoch).setPhase(phase));
            for (int i = 0; i <= 3; i++) {
                b.addNodes(CommandArbitraries.node(i, i == 3));
            }
            for (int i = 0; i < 3; i++) {
                b.addBackends(Backend.newBuilder().setNodeId(i).setStatus(BackendStatus.UP)
                        .setRole(i == primary ? BackendRole.PRIMARY : BackendRole.STANDBY)
                        .setNeedsRecovery(i == self && needsRecovery).setRejoin(i == self && rejoin));
            }
            if (operation != Operation.Kind.KIND_NONE) {
                b.setOperation(Operation.newBuilder().setKind(operation).setEpoch(epoch).setTarget(primary)
                        .setOldPrimary(oldPrimary).setFinalLsn(finalLsnKnown ? 0x4000000L : 0));
            }
            if (recoveryOfSelf) {
                b.addRecoveries(Recovery.newBuilder().setNodeId(self).setEpoch(epoch).setSource(primary));
            }
            return b.build();
        }
    }

    /** Facts of agent {@code self} (0..2 have PostgreSQL, 3 is the witness, 4 is not in the state). */
    record Situation(Committed committed, int self, boolean initialized, boolean running, Optional<Boolean> inRecovery,
                     boolean reconciled, boolean fenced, boolean protectedDataDir, long contactAgeMs, boolean caughtUp) {
        Facts facts() {
            return new Facts(committed.state(self), self, initialized, running, inRecovery, Optional.of("10.0.0.11:5432"),
                    reconciled, fenced, protectedDataDir, contactAgeMs, caughtUp, FENCE_TIMEOUT_MS);
        }
    }

    @Provide
    Arbitrary<Situation> situations() {
        Arbitrary<Integer> node = Arbitraries.integers().between(-1, 2);
        Arbitrary<Committed> committed = Combinators.combine(node, Arbitraries.longs().between(1, 4),
                CommandArbitraries.known(PrimaryPhase.class),
                Arbitraries.of(Operation.Kind.KIND_NONE, Operation.Kind.FAILOVER, Operation.Kind.SWITCHOVER),
                node, Arbitraries.of(false, true), Arbitraries.frequency(Tuple.of(1, true), Tuple.of(4, false)),
                Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(false, true)).as(Tuple::of))
                .as((p, e, phase, op, old, lsn, recovery, flags) -> new Committed(p, e, phase, op, old, lsn, recovery,
                        flags.get1(), flags.get2()));
        Arbitrary<Optional<Boolean>> inRecovery = Arbitraries.of(Optional.empty(), Optional.of(true), Optional.of(false));
        Arbitrary<Long> contactAge = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.longs().between(0, FENCE_TIMEOUT_MS - 1)),
                Tuple.of(1, Arbitraries.longs().between(FENCE_TIMEOUT_MS, 3 * FENCE_TIMEOUT_MS)));
        Arbitrary<Tuple.Tuple3<Boolean, Boolean, Boolean>> flags = Combinators.combine(Arbitraries.of(false, true),
                Arbitraries.of(false, true), Arbitraries.of(false, true)).as(Tuple::of);
        return Combinators.combine(committed, Arbitraries.integers().between(0, 4), Arbitraries.of(false, true),
                Arbitraries.of(false, true), inRecovery, flags, contactAge,
                Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false)))
                .as((c, self, init, running, rec, f, age, caughtUp) -> new Situation(c, self, init, running, rec,
                        f.get1(), f.get2(), f.get3(), age, caughtUp));
    }

    // ---------------------------------------------------------------------------------------
    // the invariants
    // ---------------------------------------------------------------------------------------

    /**
     * Promote, promote-when-caught-up, init-as-primary and start-as-primary come only with a
     * committed state that names this node primary in the matching phase (PROMOTING at that
     * epoch, BOOTSTRAPPING, ACTIVE), while the agent is in contact with the majority and caught up.
     */
    static void neverMakesAPrimaryTheCommittedStateDidNotName(Function<Facts, Action> planner, Situation s) {
        Facts f = s.facts();
        Action a = planner.apply(f);
        Primary p = f.state().getPrimary();
        Optional<PrimaryPhase> required;
        if (a instanceof LocalPlanner.Promote promote) {
            required = Optional.of(PrimaryPhase.PROMOTING);
            check(promote.epoch() == p.getEpoch(), "promotes at epoch " + promote.epoch() + ", committed " + p.getEpoch(), s);
        } else if (a instanceof LocalPlanner.PromoteWhenCaughtUp promote) {
            required = Optional.of(PrimaryPhase.PROMOTING);
            check(promote.epoch() == p.getEpoch(), "promotes at epoch " + promote.epoch() + ", committed " + p.getEpoch(), s);
        } else if (a instanceof LocalPlanner.InitPrimary) {
            required = Optional.of(PrimaryPhase.BOOTSTRAPPING);
        } else if (a instanceof LocalPlanner.StartAsPrimary) {
            required = Optional.of(PrimaryPhase.ACTIVE);
        } else {
            required = Optional.empty();
        }
        if (required.isEmpty()) {
            return;
        }
        check(p.getNodeId() == f.self() && p.getPhase() == required.get(), "node " + f.self() + " plans " + a
                + " but the committed primary is node " + p.getNodeId() + " " + p.getPhase() + " at epoch " + p.getEpoch(), s);
        check(f.majorityContactAgeMs() < f.fenceTimeoutMs() && f.caughtUp(), "plans " + a
                + " without fresh contact with the majority or without having caught up", s);
    }

    /**
     * S2/S6: a server running as primary is fenced when its agent has lost the majority; with the
     * majority and the latest state, it is stopped (or demoted for a switchover) unless this node
     * is the committed primary.
     */
    static void aServerActingAsPrimaryAgainstTheStateIsFencedOrStopped(Function<Facts, Action> planner, Situation s) {
        Facts f = s.facts();
        boolean actingPrimary = f.running() && f.inRecovery().equals(Optional.of(false));
        if (!actingPrimary) {
            return;
        }
        Action a = planner.apply(f);
        if (f.majorityContactAgeMs() >= f.fenceTimeoutMs()) {
            check(a instanceof LocalPlanner.Fence, "acting primary cut off for " + f.majorityContactAgeMs()
                    + " ms is not fenced: " + a, s);
            return;
        }
        Primary p = f.state().getPrimary();
        boolean named = p.getNodeId() == f.self() && p.getPhase() != PrimaryPhase.PHASE_NONE;
        if (!f.caughtUp() || named || ClusterStates.backend(f.state(), f.self()).isEmpty()) {
            return;
        }
        check(a instanceof LocalPlanner.StopStalePrimary || a instanceof LocalPlanner.DemoteForSwitchover,
                "node " + f.self() + " runs as primary while the committed primary is node " + p.getNodeId() + " "
                        + p.getPhase() + " at epoch " + p.getEpoch() + ", and plans " + a, s);
    }

    // ---------------------------------------------------------------------------------------
    // deliberately broken variants (test code only)
    // ---------------------------------------------------------------------------------------

    static Facts withState(Facts f, ClusterState s) {
        return new Facts(s, f.self(), f.initialized(), f.running(), f.inRecovery(), f.upstream(), f.startupReconciled(),
                f.fenced(), f.protectedDataDir(), f.majorityContactAgeMs(), f.caughtUp(), f.fenceTimeoutMs());
    }

    /** The same facts in maintenance mode (raftpool pause). */
    static Facts paused(Facts f) {
        return new Facts(f.state(), f.self(), f.initialized(), f.running(), f.inRecovery(), f.upstream(),
                f.startupReconciled(), f.fenced(), f.protectedDataDir(), f.majorityContactAgeMs(), f.caughtUp(),
                f.fenceTimeoutMs(), f.unresponsive(), f.inheritedLeaseLeftMs(), f.startedAsStandby(), true);
    }

    /** Obeys a promotion order whoever it names: every agent thinks it is the one being promoted. */
    static final Function<Facts, Action> PROMOTES_WHOEVER_IS_NAMED = f -> f.state().getPrimary().getPhase()
            == PrimaryPhase.PROMOTING ? LocalPlanner.plan(withState(f, f.state().toBuilder()
            .setPrimary(f.state().getPrimary().toBuilder().setNodeId(f.self())).build())) : LocalPlanner.plan(f);

    /** Trusts its last contact forever: a primary cut off from the majority is never fenced. */
    static final Function<Facts, Action> NEVER_FENCES = f -> LocalPlanner.plan(new Facts(f.state(), f.self(),
            f.initialized(), f.running(), f.inRecovery(), f.upstream(), f.startupReconciled(), f.fenced(),
            f.protectedDataDir(), 0, f.caughtUp(), f.fenceTimeoutMs()));

    /** Keeps a running primary running as long as the node was ever primary (ignores the committed primary). */
    static final Function<Facts, Action> KEEPS_A_STALE_PRIMARY = f -> {
        Action a = LocalPlanner.plan(f);
        return a instanceof LocalPlanner.StopStalePrimary ? new LocalPlanner.Nothing("still primary, as far as I know") : a;
    };

    // ---------------------------------------------------------------------------------------
    // the properties
    // ---------------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void neverMakesAPrimaryTheCommittedStateDidNotName(@ForAll("situations") Situation s) {
        neverMakesAPrimaryTheCommittedStateDidNotName(LocalPlanner::plan, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void neverMakesAPrimaryTheCommittedStateDidNotName_catchesAPlannerThatPromotesWhoeverIsNamed(
            @ForAll("situations") Situation s) {
        neverMakesAPrimaryTheCommittedStateDidNotName(PROMOTES_WHOEVER_IS_NAMED, s);
    }

    @Property(tries = TRIES)
    void aServerActingAsPrimaryAgainstTheStateIsFencedOrStopped(@ForAll("situations") Situation s) {
        aServerActingAsPrimaryAgainstTheStateIsFencedOrStopped(LocalPlanner::plan, s);
    }

    @Property(tries = TRIES)
    void maintenanceModeKeepsFencingAndStopsOnlyStarts(@ForAll("situations") Situation s) {
        aServerActingAsPrimaryAgainstTheStateIsFencedOrStopped(f -> LocalPlanner.plan(paused(f)), s);
        neverMakesAPrimaryTheCommittedStateDidNotName(f -> LocalPlanner.plan(paused(f)), s);
        Action running = LocalPlanner.plan(s.facts());
        Action paused = LocalPlanner.plan(paused(s.facts()));
        boolean withheld = running instanceof LocalPlanner.StartAsPrimary || running instanceof LocalPlanner.StartAsStandby
                || running instanceof LocalPlanner.BuildStandby || (running instanceof LocalPlanner.KillUnresponsive
                && s.facts().state().getPrimary().getNodeId() == s.self());
        if (withheld) {
            check(paused instanceof LocalPlanner.Nothing || paused instanceof LocalPlanner.StartupDone,
                    "paused, yet plans " + paused, s);
        } else {
            check(paused.equals(running), "paused, plans " + paused + " instead of " + running, s);
        }
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void aServerActingAsPrimaryAgainstTheStateIsFencedOrStopped_catchesAPlannerThatNeverFences(
            @ForAll("situations") Situation s) {
        aServerActingAsPrimaryAgainstTheStateIsFencedOrStopped(NEVER_FENCES, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void aServerActingAsPrimaryAgainstTheStateIsFencedOrStopped_catchesAPlannerThatKeepsAStalePrimary(
            @ForAll("situations") Situation s) {
        aServerActingAsPrimaryAgainstTheStateIsFencedOrStopped(KEEPS_A_STALE_PRIMARY, s);
    }
}
