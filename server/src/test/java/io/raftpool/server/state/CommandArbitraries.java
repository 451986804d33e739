package io.raftpool.server.state;

import io.raftpool.proto.AddNode;
import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.BeginFailover;
import io.raftpool.proto.BeginRecovery;
import io.raftpool.proto.ClearNeedsRecovery;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.proto.Health;
import io.raftpool.proto.InitCluster;
import io.raftpool.proto.LeaderAnnounce;
import io.raftpool.proto.MarkBackend;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Observation;
import io.raftpool.proto.Operation;
import io.raftpool.proto.PromotionDone;
import io.raftpool.proto.PromotionFailed;
import io.raftpool.proto.RecoveryDone;
import io.raftpool.proto.RecoveryFailed;
import io.raftpool.proto.RecoveryStep;
import io.raftpool.proto.RemoveNode;
import io.raftpool.proto.ReportObservation;
import io.raftpool.proto.SetDetached;
import io.raftpool.proto.SetSyncStandbys;
import io.raftpool.proto.SetVip;
import io.raftpool.proto.SwitchoverDemoted;
import io.raftpool.testkit.InvariantViolated;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random command sequences for the properties of {@link Transitions}: a cluster is initialised
 * and its first primary bootstraps, then up to {@value #MAX_STEPS} commands of every kind
 * follow, with the faults a Raft log can carry: stale epochs (an old leader's late order),
 * duplicates and replays (a resubmitted command, {@link Replay}), reordering (a command
 * decided on a state some steps old, {@link Lagged#lag}), leader changes and membership
 * changes. Epochs and nodes are drawn near the current ones, so that many commands apply and
 * the sequences reach failovers, promotions, recoveries and switchovers.
 */
public final class CommandArbitraries {
    public static final long T0 = 1_700_000_000_000L;
    public static final int MAX_STEPS = 30;
    /** Node ids drawn for commands: the initial nodes, nodes added later, and unknown ones. */
    static final int MAX_NODE = 5;

    private CommandArbitraries() {}

    /** The function under test: {@code (state, command) -> state}, {@link Transitions#apply} or a variant of it. */
    @FunctionalInterface
    public interface Apply {
        ClusterState apply(ClusterState state, Command command);
    }

    /** One command of a sequence, as a leader or an agent would issue it from the state it saw. */
    public interface Step {
        Command.Builder build(ClusterState seen);
    }

    /** A step decided on the state {@code lag} steps before the one it is applied to (0: the current one). */
    public record Lagged(int lag, Step step) {
        @Override
        public String toString() {
            return lag == 0 ? step.toString() : step + "@-" + lag;
        }
    }

    /** One applied command. */
    public record Transition(int index, ClusterState before, Command command, ClusterState after) {}

    /**
     * A cluster of {@code postgres} PostgreSQL nodes (0..postgres-1, node 0 bootstraps) and one
     * witness (node {@code postgres}), then the steps.
     */
    public record Scenario(int postgres, boolean syncMode, List<Lagged> steps) {

        public List<Command> prefix() {
            InitCluster.Builder init = InitCluster.newBuilder().setClusterName("props").setConfigVersion(1)
                    .setBootstrapPrimary(0).setSyncMode(syncMode);
            for (int i = 0; i <= postgres; i++) {
                init.addNodes(node(i, i == postgres));
            }
            Observation boot = Observation.newBuilder().setObserver(0).setSubject(0).setHealth(Health.HEALTHY)
                    .setRole(BackendRole.PRIMARY).setTimeline(1).setWalLsn(0x3000000L).setAtMs(T0).build();
            return List.of(
                    Command.newBuilder().setIssuedMs(T0).setIssuer(0).setTerm(1).setInitCluster(init).build(),
                    Command.newBuilder().setIssuedMs(T0).setIssuer(0)
                            .setReport(ReportObservation.newBuilder().setObservation(boot)).build());
        }

        /** Applies the prefix and the steps with {@code f}, from {@link Transitions#empty()}. */
        public List<Transition> run(Apply f) {
            List<Transition> trace = new ArrayList<>();
            List<ClusterState> states = new ArrayList<>();
            List<Command> issued = new ArrayList<>();
            ClusterState s = Transitions.empty();
            states.add(s);
            for (Command c : prefix()) {
                ClusterState next = applyTotally(f, s, c, trace.size());
                trace.add(new Transition(trace.size(), s, c, next));
                issued.add(c);
                states.add(next);
                s = next;
            }
            for (Lagged l : steps) {
                Command c;
                if (l.step() instanceof Replay r) {
                    c = issued.get(Math.max(0, issued.size() - r.back()));
                } else {
                    ClusterState seen = states.get(Math.max(0, states.size() - 1 - l.lag()));
                    long now = T0 + 1000L * (trace.size() + 1);
                    c = l.step().build(seen).setIssuedMs(now).setIssuer(0).build();
                }
                ClusterState next = applyTotally(f, s, c, trace.size());
                trace.add(new Transition(trace.size(), s, c, next));
                issued.add(c);
                states.add(next);
                s = next;
            }
            return trace;
        }
    }

    /**
     * Apply must be total: a command that does not fit leaves the state unchanged, and an
     * exception (which would stop the Raft server, on every member alike) is an invariant violation.
     */
    static ClusterState applyTotally(Apply f, ClusterState s, Command c, int index) {
        try {
            return f.apply(s, c);
        } catch (RuntimeException e) {
            InvariantViolated v = new InvariantViolated("apply threw " + e + " at command " + index + ": "
                    + c.toString().replace("\n", " "));
            v.initCause(e);
            throw v;
        }
    }

    public static NodeInfo node(int id, boolean witness) {
        NodeInfo.Builder n = NodeInfo.newBuilder().setId(id).setName((witness ? "witness" : "pg") + id)
                .setHost("10.0.0." + (11 + id)).setRaftPort(7400).setAdminPort(7410).setWitness(witness)
                .setPriority(id % 2);
        if (!witness) {
            n.setPgPort(5432).setPgDataDir("/var/lib/postgresql/data");
        }
        return n.build();
    }

    // ---------------------------------------------------------------------------------------
    // the steps; node -1 means "the one the seen state names" (its primary, or the target)
    // ---------------------------------------------------------------------------------------

    static int primaryOr(ClusterState seen, int node) {
        return node >= 0 ? node : seen.getPrimary().getNodeId();
    }

    public record Report(int observer, int subject, Health health, BackendRole role, boolean streaming) implements Step {
        public Command.Builder build(ClusterState seen) {
            int subj = primaryOr(seen, subject);
            return Command.newBuilder().setReport(ReportObservation.newBuilder().setObservation(Observation.newBuilder()
                    .setObserver(observer).setSubject(subj).setHealth(health)
                    .setRole(health == Health.HEALTHY ? role : BackendRole.ROLE_UNKNOWN).setStreaming(streaming)
                    .setTimeline(1).setWalLsn(0x3000000L + observer).setAtMs(T0)));
        }
    }

    public record Mark(int node, BackendStatus status, BackendRole role) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setMark(MarkBackend.newBuilder().setNodeId(primaryOr(seen, node))
                    .setStatus(status).setRole(role).setReason("props"));
        }
    }

    /**
     * BeginFailover at the seen epoch + {@code epochDelta} (+1 is the valid one), to {@code target}, or
     * with {@code target} -1 to the first synchronous standby of the seen state (node 1 when it has none).
     */
    public record Failover(Operation.Kind kind, int epochDelta, int target) implements Step {
        public Command.Builder build(ClusterState seen) {
            int to = target >= 0 ? target : seen.getSyncStandbysCount() > 0 ? seen.getSyncStandbys(0) : 1;
            return Command.newBuilder().setTerm(2).setBeginFailover(BeginFailover.newBuilder().setKind(kind)
                    .setNewEpoch(seen.getPrimary().getEpoch() + epochDelta).setTarget(to)
                    .setOldPrimary(seen.getPrimary().getNodeId()).setReason("props"));
        }
    }

    public record Done(int epochDelta, int node) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setPromotionDone(PromotionDone.newBuilder()
                    .setEpoch(seen.getPrimary().getEpoch() + epochDelta).setNodeId(primaryOr(seen, node)).setTimeline(2));
        }
    }

    public record Failed(int epochDelta, int node) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setPromotionFailed(PromotionFailed.newBuilder()
                    .setEpoch(seen.getPrimary().getEpoch() + epochDelta).setNodeId(primaryOr(seen, node)).setReason("props"));
        }
    }

    public record Demoted(int epochDelta, int node) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setSwitchoverDemoted(SwitchoverDemoted.newBuilder()
                    .setEpoch(seen.getPrimary().getEpoch() + epochDelta)
                    .setNodeId(node >= 0 ? node : seen.getOperation().getOldPrimary()).setFinalLsn(0x4000000L));
        }
    }

    /**
     * SetSyncStandbys with these nodes and target (-1: none); with {@code standbys}, the nodes are
     * instead the seen state's backends other than its primary, at those positions (modulo their count).
     */
    public record Sync(List<Integer> nodes, int target, boolean standbys) implements Step {
        public Command.Builder build(ClusterState seen) {
            List<Integer> ids = nodes;
            if (standbys) {
                List<Integer> others = seen.getBackendsList().stream().map(io.raftpool.proto.Backend::getNodeId)
                        .filter(id -> id != seen.getPrimary().getNodeId()).toList();
                ids = others.isEmpty() ? List.of() : nodes.stream().map(i -> others.get(i % others.size())).distinct().toList();
            }
            SetSyncStandbys.Builder b = SetSyncStandbys.newBuilder().addAllNodes(ids).setReason("props");
            if (target >= 0) {
                b.setTarget(target);
            }
            return Command.newBuilder().setSetSyncStandbys(b);
        }
    }

    public record BeginRecov(int node, int epochDelta) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setBeginRecovery(BeginRecovery.newBuilder().setNodeId(node)
                    .setEpoch(seen.getPrimary().getEpoch() + epochDelta).setSource(seen.getPrimary().getNodeId())
                    .setRequestedBy("props"));
        }
    }

    public record RecovStep(int node, int epochDelta, String phase) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setRecoveryStep(RecoveryStep.newBuilder().setNodeId(node)
                    .setEpoch(seen.getPrimary().getEpoch() + epochDelta).setPhase(phase).setMethod("pg_rewind"));
        }
    }

    public record RecovDone(int node, int epochDelta) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setRecoveryDone(RecoveryDone.newBuilder().setNodeId(node)
                    .setEpoch(seen.getPrimary().getEpoch() + epochDelta).setMethod("pg_rewind").setTimeline(2));
        }
    }

    /** {@code anyEpoch}: epoch 0, which fails whichever recovery of the node runs. */
    public record RecovFailed(int node, int epochDelta, boolean anyEpoch) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setRecoveryFailed(RecoveryFailed.newBuilder().setNodeId(node)
                    .setEpoch(anyEpoch ? 0 : seen.getPrimary().getEpoch() + epochDelta).setReason("props"));
        }
    }

    public record Vip(int node, long term) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setSetVip(SetVip.newBuilder().setNodeId(node).setTerm(term)
                    .setAddress(node < 0 ? "" : "10.0.0.100"));
        }
    }

    public record Detach(int node, boolean detached) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setSetDetached(SetDetached.newBuilder().setNodeId(primaryOr(seen, node))
                    .setDetached(detached).setReason("props"));
        }
    }

    public record ClearRecovery(int node) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setClearNeedsRecovery(ClearNeedsRecovery.newBuilder().setNodeId(node)
                    .setReason("props"));
        }
    }

    public record Leader(int node, long term) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setTerm(term).setLeaderAnnounce(LeaderAnnounce.newBuilder().setNodeId(node)
                    .setTerm(term));
        }
    }

    public record Add(int id, boolean witness) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setAddNode(AddNode.newBuilder().setNode(node(id, witness)));
        }
    }

    public record Remove(int id) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setRemoveNode(RemoveNode.newBuilder().setNodeId(id).setReason("props"));
        }
    }

    public record Note() implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setAppendEvent(AppendEvent.newBuilder()
                    .setEvent(Event.newBuilder().setKind("note").setMessage("props")));
        }
    }

    /** raftpool pause (with an end, or until resumed) and resume. */
    public record Maintenance(boolean pause, long untilMs) implements Step {
        public Command.Builder build(ClusterState seen) {
            return Command.newBuilder().setSetMaintenance(io.raftpool.proto.SetMaintenance.newBuilder().setPause(pause)
                    .setUntilMs(untilMs).setBy("props@host"));
        }
    }

    /** The command issued {@code back} commands ago, applied again (a resubmission or a replayed entry). */
    public record Replay(int back) implements Step {
        public Command.Builder build(ClusterState seen) {
            throw new UnsupportedOperationException("replayed by Scenario.run");
        }
    }

    // ---------------------------------------------------------------------------------------
    // arbitraries
    // ---------------------------------------------------------------------------------------

    /** The values of a protobuf enum, without UNRECOGNIZED (which has no number to serialise). */
    public static <E extends Enum<E>> Arbitrary<E> known(Class<E> type) {
        return Arbitraries.of(java.util.Arrays.stream(type.getEnumConstants())
                .filter(e -> !e.name().equals("UNRECOGNIZED")).toList());
    }

    static Arbitrary<Integer> nodes() {
        return Arbitraries.integers().between(0, MAX_NODE);
    }

    /** Mostly a node with PostgreSQL (0..2), sometimes any. */
    static Arbitrary<Integer> servers() {
        return Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.integers().between(0, 2)), Tuple.of(1, nodes()));
    }

    /** A node, or -1 for the one the seen state names, often. */
    static Arbitrary<Integer> nodeOrSeen() {
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(-1)), Tuple.of(3, nodes()));
    }

    /** Mostly -1, the node the seen state names (the one being promoted, for outcomes). */
    static Arbitrary<Integer> seenMostly() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(-1)), Tuple.of(1, nodes()));
    }

    /** Epoch offsets from the seen epoch, mostly {@code valid}. */
    static Arbitrary<Integer> epochDelta(int valid) {
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(valid)),
                Tuple.of(3, Arbitraries.integers().between(valid - 2, valid + 1)));
    }

    static Arbitrary<Step> steps() {
        Arbitrary<Step> report = Combinators.combine(nodes(), Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(-1)), Tuple.of(3, servers())), known(Health.class),
                Arbitraries.of(BackendRole.PRIMARY, BackendRole.STANDBY), Arbitraries.of(false, true)).as(Report::new);
        Arbitrary<Step> mark = Combinators.combine(nodeOrSeen(), known(BackendStatus.class),
                known(BackendRole.class)).as(Mark::new);
        Arbitrary<Step> failover = Combinators.combine(
                Arbitraries.frequency(Tuple.of(4, Operation.Kind.FAILOVER), Tuple.of(1, Operation.Kind.PROMOTE),
                        Tuple.of(1, Operation.Kind.SWITCHOVER)),
                epochDelta(1), Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(-1)), Tuple.of(2, servers())))
                .as(Failover::new);
        Arbitrary<Step> done = Combinators.combine(epochDelta(0), seenMostly()).as(Done::new);
        Arbitrary<Step> failed = Combinators.combine(epochDelta(0), seenMostly()).as(Failed::new);
        Arbitrary<Step> demoted = Combinators.combine(epochDelta(0), nodeOrSeen()).as(Demoted::new);
        Arbitrary<Step> sync = Combinators.combine(servers().set().ofMaxSize(2).map(s -> List.copyOf(new java.util.TreeSet<>(s))),
                Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(-1)), Tuple.of(3, servers())),
                Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false))).as(Sync::new);
        Arbitrary<Step> beginRecov = Combinators.combine(servers(), epochDelta(0)).as(BeginRecov::new);
        Arbitrary<Step> recovStep = Combinators.combine(servers(), epochDelta(0),
                Arbitraries.of("stopping", "rewinding", "starting")).as(RecovStep::new);
        Arbitrary<Step> recovDone = Combinators.combine(servers(), epochDelta(0)).as(RecovDone::new);
        Arbitrary<Step> recovFailed = Combinators.combine(servers(), epochDelta(0), Arbitraries.of(false, true))
                .as(RecovFailed::new);
        Arbitrary<Step> vip = Combinators.combine(Arbitraries.integers().between(-1, MAX_NODE),
                Arbitraries.longs().between(0, 4)).as(Vip::new);
        Arbitrary<Step> detach = Combinators.combine(nodeOrSeen(), Arbitraries.of(false, true)).as(Detach::new);
        Arbitrary<Step> clear = nodes().map(ClearRecovery::new);
        Arbitrary<Step> leader = Combinators.combine(nodes(), Arbitraries.longs().between(0, 4)).as(Leader::new);
        Arbitrary<Step> add = Combinators.combine(Arbitraries.integers().between(3, MAX_NODE), Arbitraries.of(false, true))
                .as(Add::new);
        Arbitrary<Step> remove = nodes().map(Remove::new);
        Arbitrary<Step> note = Arbitraries.just(new Note());
        Arbitrary<Step> maintenance = Combinators.combine(Arbitraries.of(false, true),
                Arbitraries.of(0L, 1_000L, Long.MAX_VALUE)).as(Maintenance::new);
        Arbitrary<Step> replay = Arbitraries.integers().between(1, 4).map(Replay::new);
        return Arbitraries.frequencyOf(
                Tuple.of(8, failover), Tuple.of(8, done), Tuple.of(2, failed), Tuple.of(4, report), Tuple.of(2, mark),
                Tuple.of(6, sync), Tuple.of(4, replay), Tuple.of(1, demoted), Tuple.of(1, beginRecov),
                Tuple.of(1, recovStep), Tuple.of(1, recovDone), Tuple.of(1, recovFailed), Tuple.of(1, vip),
                Tuple.of(1, detach), Tuple.of(1, clear), Tuple.of(1, leader), Tuple.of(1, add), Tuple.of(1, remove),
                Tuple.of(1, note), Tuple.of(1, maintenance));
    }

    static Arbitrary<Lagged> lagged() {
        Arbitrary<Integer> lag = Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(2, 1), Tuple.of(1, 2), Tuple.of(1, 3));
        return Combinators.combine(lag, steps()).as(Lagged::new);
    }

    /** Sequences of 1 to 30 steps, every length as likely. */
    static Arbitrary<List<Lagged>> sequences() {
        return lagged().list().ofMinSize(1).ofMaxSize(MAX_STEPS)
                .withSizeDistribution(net.jqwik.api.RandomDistribution.uniform());
    }

    /** Clusters of 2 or 3 PostgreSQL nodes and a witness, in sync mode or not, and up to 30 steps. */
    public static Arbitrary<Scenario> scenarios() {
        return Combinators.combine(Arbitraries.integers().between(2, 3), Arbitraries.of(false, true),
                sequences()).as(Scenario::new);
    }

    /** Like {@link #scenarios()}, always in sync mode. */
    public static Arbitrary<Scenario> syncScenarios() {
        return Combinators.combine(Arbitraries.integers().between(2, 3), Arbitraries.just(true),
                sequences()).as(Scenario::new);
    }
}
