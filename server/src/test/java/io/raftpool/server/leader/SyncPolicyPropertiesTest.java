package io.raftpool.server.leader;

import static io.raftpool.testkit.InvariantViolated.check;

import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.MarkBackend;
import io.raftpool.proto.SetSyncStandbys;
import io.raftpool.server.state.CommandArbitraries;
import io.raftpool.server.state.Transitions;
import io.raftpool.testkit.MustBeFalsified;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 * The synchronous set (S3) over random sequences of what the primary's pg_stat_replication
 * shows (or that it does not answer) and of standbys going down and up: the leader's rounds
 * apply {@link SyncPolicy#next} through {@link Transitions#apply}, as LeaderDuties does. A
 * standby enters the committed set only once the primary reported it synchronous; with the
 * strict sync policy the set, once trusted, is never emptied. Each property has a twin run
 * against a broken variant that must yield a counterexample.
 */
class SyncPolicyPropertiesTest {
    static final int TRIES = 200;
    static final int BROKEN_TRIES = 3000;

    @FunctionalInterface
    interface Next {
        Optional<SetSyncStandbys> next(ClusterState s, Optional<Map<Integer, String>> replication, boolean strict);
    }

    /** One leader round with what the primary answered, or a standby's status changing. */
    sealed interface Round {}

    record Asked(Optional<Map<Integer, String>> replication) implements Round {}

    record Marked(int node, BackendStatus status) implements Round {}

    record Scenario(boolean strict, List<Round> rounds) {}

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Optional<String>> syncState = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Optional.empty())),
                Tuple.of(3, Arbitraries.of("sync", "async", "potential").map(Optional::of)));
        Arbitrary<Round> asked = Combinators.combine(syncState, syncState, syncState).as((a, b, c) -> {
            Map<Integer, String> m = new TreeMap<>();
            a.ifPresent(v -> m.put(1, v));
            b.ifPresent(v -> m.put(2, v));
            c.ifPresent(v -> m.put(3, v));
            return new Asked(Optional.of(m));
        });
        Arbitrary<Round> unanswered = Arbitraries.just(new Asked(Optional.empty()));
        Arbitrary<Round> marked = Combinators.combine(Arbitraries.integers().between(1, 3),
                Arbitraries.of(BackendStatus.UP, BackendStatus.DOWN)).as(Marked::new);
        Arbitrary<Round> round = Arbitraries.frequencyOf(Tuple.of(6, asked), Tuple.of(1, unanswered), Tuple.of(2, marked));
        return Combinators.combine(Arbitraries.of(false, true), round.list().ofMinSize(1).ofMaxSize(30))
                .as(Scenario::new);
    }

    /** Node 0 the active primary at epoch 1 in sync mode, nodes 1..3 standbys, witness 4, as the log makes it. */
    static ClusterState start() {
        var boot = new CommandArbitraries.Scenario(4, true, List.of()).run(Transitions::apply);
        return boot.get(boot.size() - 1).after();
    }

    record Step(ClusterState before, Round round, Optional<SetSyncStandbys> change, ClusterState after) {}

    static List<Step> run(Next f, Scenario scenario) {
        ClusterState s = start();
        List<Step> steps = new ArrayList<>();
        long now = CommandArbitraries.T0;
        for (Round r : scenario.rounds()) {
            now += 1000;
            Command.Builder c = Command.newBuilder().setIssuedMs(now).setIssuer(0).setTerm(1);
            Optional<SetSyncStandbys> change = Optional.empty();
            if (r instanceof Asked a) {
                change = f.next(s, a.replication(), scenario.strict());
                change.ifPresent(c::setSetSyncStandbys);
            } else if (r instanceof Marked m) {
                c.setMark(MarkBackend.newBuilder().setNodeId(m.node()).setStatus(m.status()).setReason("props"));
            }
            ClusterState next = c.getKindCase() == Command.KindCase.KIND_NOT_SET ? s : Transitions.apply(s, c.build());
            steps.add(new Step(s, r, change, next));
            s = next;
        }
        return steps;
    }

    // ---------------------------------------------------------------------------------------
    // the invariants
    // ---------------------------------------------------------------------------------------

    /** S3: a standby joins the committed synchronous set only in the round the primary reports it "sync". */
    static void aStandbyJoinsTheSyncSetOnlyOnceReportedSynchronous(Next f, Scenario scenario) {
        for (Step st : run(f, scenario)) {
            Set<Integer> added = new HashSet<>(st.after().getSyncStandbysList());
            added.removeAll(st.before().getSyncStandbysList());
            for (int node : added) {
                boolean reported = st.round() instanceof Asked a && a.replication().isPresent()
                        && "sync".equals(a.replication().get().get(node));
                check(reported, "node " + node + " joined the sync set " + st.after().getSyncStandbysList()
                        + " without the primary reporting it synchronous", "round: " + st.round(), "change: " + st.change());
            }
        }
    }

    /** Strict sync policy: once the set holds a standby, it is never emptied (writes wait instead). */
    static void strictModeNeverEmptiesATrustedSyncSet(Next f, Scenario scenario) {
        if (!scenario.strict()) {
            return;
        }
        for (Step st : run(f, scenario)) {
            check(st.before().getSyncStandbysCount() == 0 || st.after().getSyncStandbysCount() > 0,
                    "strict mode emptied the sync set " + st.before().getSyncStandbysList(), "round: " + st.round(),
                    "change: " + st.change());
        }
    }

    // ---------------------------------------------------------------------------------------
    // deliberately broken variants (test code only)
    // ---------------------------------------------------------------------------------------

    /** Trusts a standby as synchronous as soon as the primary is told to wait for it. */
    static final Next TRUSTS_THE_TARGET_AT_ONCE = (s, replication, strict) -> SyncPolicy.next(s, replication, strict)
            .map(c -> c.hasTarget() && !c.getNodesList().contains(c.getTarget())
                    ? c.toBuilder().addNodes(c.getTarget()).build() : c);

    /** Treats strict as availability: gives up on the lost synchronous standby. */
    static final Next IGNORES_STRICT = (s, replication, strict) -> SyncPolicy.next(s, replication, false);

    // ---------------------------------------------------------------------------------------
    // the properties
    // ---------------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void aStandbyJoinsTheSyncSetOnlyOnceReportedSynchronous(@ForAll("scenarios") Scenario s) {
        aStandbyJoinsTheSyncSetOnlyOnceReportedSynchronous(SyncPolicy::next, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void aStandbyJoinsTheSyncSetOnlyOnceReportedSynchronous_catchesAPolicyThatTrustsTheTargetAtOnce(
            @ForAll("scenarios") Scenario s) {
        aStandbyJoinsTheSyncSetOnlyOnceReportedSynchronous(TRUSTS_THE_TARGET_AT_ONCE, s);
    }

    @Property(tries = TRIES)
    void strictModeNeverEmptiesATrustedSyncSet(@ForAll("scenarios") Scenario s) {
        strictModeNeverEmptiesATrustedSyncSet(SyncPolicy::next, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void strictModeNeverEmptiesATrustedSyncSet_catchesAPolicyThatIgnoresStrict(@ForAll("scenarios") Scenario s) {
        strictModeNeverEmptiesATrustedSyncSet(IGNORES_STRICT, s);
    }
}
