package io.raftpool.server.leader;

import static io.raftpool.testkit.InvariantViolated.check;

import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.MarkBackend;
import io.raftpool.proto.Quorum;
import io.raftpool.proto.SetQuorum;
import io.raftpool.server.local.SyncSetting;
import io.raftpool.server.state.CommandArbitraries;
import io.raftpool.server.state.Transitions;
import io.raftpool.testkit.MustBeFalsified;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Quorum commit against a model of the primary and three standbys: the primary writes WAL and
 * acknowledges a commit once its <em>applied</em> synchronous_standby_names is satisfied (which
 * lags the committed target until its agent applies it), standbys stream and flush at their own
 * pace, stop and start, and the leader's rounds apply {@link QuorumPolicy#next} through
 * {@link Transitions#apply} as LeaderDuties does. After every round, the failover rule
 * ({@link QuorumRule}: hear from n - k + 1 of the durable set, promote the highest flushed
 * position) must find every acknowledged commit whichever members it hears from.
 */
class QuorumPolicyPropertiesTest {
    static final int TRIES = 300;
    static final int BROKEN_TRIES = 3000;
    static final int STANDBYS = 3;

    @FunctionalInterface
    interface Next {
        Optional<SetQuorum> next(ClusterState s, Optional<ReplicationView> view, boolean strict, String previousNames);
    }

    sealed interface Round {}

    /** The primary writes a commit record (acknowledged now or later, as its setting allows). */
    record Write() implements Round {}

    /** A streaming standby flushes what it received, all of it or half of what is missing. */
    record Flush(int node, boolean all) implements Round {}

    /** A standby stops or starts streaming (and the leader marks it down or up). */
    record Toggle(int node) implements Round {}

    /** The primary's agent applies the committed setting. */
    record Apply() implements Round {}

    /** A standby is rebuilt from an old backup (recovery-node --from-backup): what it held is gone. */
    record Rebuild(int node) implements Round {}

    /** A leader round: probe the primary, maybe one quorum step. */
    record Lead() implements Round {}

    record Scenario(int k, boolean strict, List<Round> rounds) {}

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Round> node = Arbitraries.integers().between(1, STANDBYS).flatMap(n -> Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(true, false).map(all -> (Round) new Flush(n, all))),
                Tuple.of(1, Arbitraries.just((Round) new Toggle(n))),
                Tuple.of(1, Arbitraries.just((Round) new Rebuild(n)))));
        Arbitrary<Round> round = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(new Write())), Tuple.of(5, node),
                Tuple.of(2, Arbitraries.just(new Apply())), Tuple.of(4, Arbitraries.just(new Lead())));
        return Combinators.combine(Arbitraries.integers().between(1, 2), Arbitraries.of(false, true),
                round.list().ofMinSize(1).ofMaxSize(60)).as(Scenario::new);
    }

    /** The model: WAL positions are commit numbers. */
    static final class Model {
        ClusterState s;
        final boolean strict;
        long written;
        long acked;
        final Map<Integer, Long> flushed = new HashMap<>();
        final Map<Integer, Boolean> streaming = new HashMap<>();
        List<Integer> appliedWaitFor = List.of();
        int appliedCount;
        String appliedNames;
        String previousNames = "";

        Model(int k, boolean strict) {
            this.strict = strict;
            var boot = new CommandArbitraries.Scenario(STANDBYS + 1, true, List.of()).run(Transitions::apply);
            s = boot.get(boot.size() - 1).after().toBuilder().setQuorum(Quorum.newBuilder().setConfigured(k)).build();
            for (int id = 1; id <= STANDBYS; id++) {
                mark(id, BackendStatus.UP);
                flushed.put(id, 0L);
                streaming.put(id, true);
            }
            appliedNames = SyncSetting.value(s, strict);
            appliedCount = strict ? k : 0;
        }

        Command.Builder command() {
            return Command.newBuilder().setIssuedMs(CommandArbitraries.T0).setIssuer(0).setTerm(1);
        }

        void mark(int id, BackendStatus status) {
            s = Transitions.apply(s, Command.newBuilder().setIssuedMs(CommandArbitraries.T0).setIssuer(0).setTerm(1)
                    .setMark(MarkBackend.newBuilder().setNodeId(id).setStatus(status).setReason("model")).build());
        }

        /** Releases waiting commits the way walsenders do: the highest position the applied setting allows. */
        void release() {
            List<Long> positions = new ArrayList<>();
            if (appliedWaitFor.isEmpty() && appliedCount == 0) {
                acked = written;
                return;
            }
            for (int id = 1; id <= STANDBYS; id++) {
                boolean named = appliedWaitFor.isEmpty() ? streaming.get(id) : appliedWaitFor.contains(id);
                if (named) {
                    positions.add(flushed.get(id));
                }
            }
            positions.sort((a, b) -> Long.compare(b, a));
            if (positions.size() >= appliedCount) {
                acked = Math.max(acked, positions.get(appliedCount - 1));
            }
        }

        ReplicationView view() {
            Map<Integer, ReplicationView.Standby> rows = new HashMap<>();
            streaming.forEach((id, on) -> {
                if (on) {
                    rows.put(id, new ReplicationView.Standby("quorum", flushed.get(id)));
                }
            });
            return new ReplicationView(rows, written, appliedNames);
        }

        void play(Next f, Round r) {
            if (r instanceof Write) {
                written++;
            } else if (r instanceof Flush fl && streaming.get(fl.node())) {
                long have = flushed.get(fl.node());
                flushed.put(fl.node(), fl.all() ? written : have + (written - have) / 2);
            } else if (r instanceof Toggle t) {
                boolean on = !streaming.get(t.node());
                streaming.put(t.node(), on);
                mark(t.node(), on ? BackendStatus.UP : BackendStatus.DOWN);
            } else if (r instanceof Rebuild rb && streaming.get(rb.node())) {
                long epoch = s.getPrimary().getEpoch();
                s = Transitions.apply(s, command().setBeginRecovery(io.raftpool.proto.BeginRecovery.newBuilder()
                        .setNodeId(rb.node()).setEpoch(epoch).setSource(0).setRequestedBy("model").setFromBackup(true))
                        .build());
                flushed.put(rb.node(), 0L);
                s = Transitions.apply(s, command().setRecoveryDone(io.raftpool.proto.RecoveryDone.newBuilder()
                        .setNodeId(rb.node()).setEpoch(epoch).setMethod("backup").setTimeline(1)).build());
            } else if (r instanceof Apply) {
                appliedWaitFor = s.getQuorum().getWaitForList();
                appliedCount = s.getQuorum().getWaitCount() == 0 && strict && appliedWaitFor.isEmpty()
                        ? s.getQuorum().getConfigured() : s.getQuorum().getWaitCount();
                appliedNames = SyncSetting.value(s, strict);
            } else if (r instanceof Lead) {
                ReplicationView v = view();
                Optional<SetQuorum> step = f.next(s, Optional.of(v), strict, previousNames);
                previousNames = v.syncStandbyNames();
                if (step.isPresent()) {
                    s = Transitions.apply(s, Command.newBuilder().setIssuedMs(CommandArbitraries.T0).setIssuer(0)
                            .setTerm(1).setSetQuorum(step.get()).build());
                }
            }
            release();
        }
    }

    /**
     * Wherever the primary dies, the rule finds every acknowledged commit: the n - k + 1 members
     * of the durable set that flushed least still include one at or past the last acknowledged
     * commit.
     */
    static void theFailoverRuleFindsEveryAcknowledgedCommit(Next f, Scenario scenario) {
        Model m = new Model(scenario.k(), scenario.strict());
        List<Round> played = new ArrayList<>();
        for (Round r : scenario.rounds()) {
            m.play(f, r);
            played.add(r);
            int k = m.s.getQuorum().getDurableCount();
            if (k == 0) {
                continue; // no failover is allowed: nothing to check
            }
            List<Long> members = m.s.getSyncStandbysList().stream().map(m.flushed::get).sorted().toList();
            int needed = members.size() - k + 1;
            long worstBest = members.get(needed - 1);
            check(worstBest >= m.acked, "hearing the " + needed + " members of " + m.s.getSyncStandbysList()
                            + " that flushed least (" + members + ") misses acknowledged commit " + m.acked,
                    "quorum: " + m.s.getQuorum(), "rounds: " + played);
        }
    }

    /** The set settles: with standbys streaming and flushing, the leader reaches durable_count = k. */
    static void aSteadyClusterSettlesAtK(Next f, int k, boolean strict) {
        Model m = new Model(k, strict);
        for (int i = 0; i < 12; i++) {
            for (Round r : List.of(new Write(), new Flush(1, true), new Flush(2, true), new Flush(3, true), new Apply(),
                    new Lead())) {
                m.play(f, r);
            }
        }
        check(m.s.getQuorum().getDurableCount() == k && m.s.getSyncStandbysCount() == STANDBYS,
                "a steady cluster did not settle at ANY " + k + " of 3", "quorum: " + m.s.getQuorum(),
                "set: " + m.s.getSyncStandbysList());
    }

    // deliberately broken variants (test code only)

    /** Takes the primary's target as the durable set as soon as the primary uses it, without the settle point. */
    static final Next SHRINKS_AT_ONCE = (s, view, strict, previous) -> QuorumPolicy.next(s, view, strict, previous)
            .map(q -> q.getSettleLsn() != 0 && s.getQuorum().getSettleLsn() == 0
                    ? q.toBuilder().clearDurableSet().addAllDurableSet(q.getWaitForList())
                    .setDurableCount(Math.min(q.getWaitCount(), q.getWaitForCount())).build() : q);

    /** Raises durable_count once the settle point is recorded, without waiting for the standbys to flush past it. */
    static final Next RAISES_BEFORE_THE_FLUSH = (s, view, strict, previous) -> {
        Optional<SetQuorum> step = QuorumPolicy.next(s, view, strict, previous);
        SetQuorum.Builder raise = SetQuorum.newBuilder().setEpoch(s.getPrimary().getEpoch())
                .addAllDurableSet(s.getQuorum().getWaitForList()).addAllWaitFor(s.getQuorum().getWaitForList())
                .setDurableCount(Math.min(s.getQuorum().getWaitCount(), s.getQuorum().getWaitForCount()))
                .setWaitCount(s.getQuorum().getWaitCount()).setSettleLsn(s.getQuorum().getSettleLsn()).setReason("broken");
        return step.isEmpty() && s.getQuorum().getSettleLsn() != 0 ? Optional.of(raise.build()) : step;
    };

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void theFailoverRuleFindsEveryAcknowledgedCommit_catchesAPolicyThatRaisesBeforeTheFlush(
            @ForAll("scenarios") Scenario s) {
        theFailoverRuleFindsEveryAcknowledgedCommit(RAISES_BEFORE_THE_FLUSH, s);
    }

    @Property(tries = TRIES)
    void theFailoverRuleFindsEveryAcknowledgedCommit(@ForAll("scenarios") Scenario s) {
        theFailoverRuleFindsEveryAcknowledgedCommit(QuorumPolicy::next, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void theFailoverRuleFindsEveryAcknowledgedCommit_catchesAPolicyThatShrinksAtOnce(@ForAll("scenarios") Scenario s) {
        theFailoverRuleFindsEveryAcknowledgedCommit(SHRINKS_AT_ONCE, s);
    }

    @Property(tries = 4)
    void aSteadyClusterSettlesAtK(@ForAll("ks") int k, @ForAll boolean strict) {
        aSteadyClusterSettlesAtK(QuorumPolicy::next, k, strict);
    }

    @Provide
    Arbitrary<Integer> ks() {
        return Arbitraries.integers().between(1, 2);
    }
}
