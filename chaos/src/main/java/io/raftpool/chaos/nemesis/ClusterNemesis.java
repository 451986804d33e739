package io.raftpool.chaos.nemesis;

import io.raftpool.api.AdminClient;
import io.raftpool.chaos.Progress;
import io.raftpool.chaos.net.Link;
import io.raftpool.chaos.net.NetFilter;
import io.raftpool.chaos.net.Partitions;
import io.raftpool.chaos.workload.Clients;
import io.raftpool.chaos.workload.Endpoints;
import io.raftpool.config.NodeConfig;
import io.raftpool.harness.Exec;
import io.raftpool.harness.ClusterHealth;
import io.raftpool.harness.LocalCluster;
import io.raftpool.harness.ManagedProcess;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.OsUser;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.StopMode;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Applies faults to a real {@link LocalCluster} and heals them (Jepsen's nemesis: setup is the
 * cluster and network made by the run; invoke is {@link #start} and {@link #stop}; teardown is
 * {@link #healAll}). {@link #stop} undoes what the fault did (SIGCONT, rules removed, processes
 * started) and then brings the cluster back to health as an operator would ({@link HealPlan},
 * round after round, up to a minute), so each fault meets a healthy cluster. Only processes of
 * this cluster are signalled, by pid.
 */
public final class ClusterNemesis {
    private static final Duration PG_TIMEOUT = Duration.ofSeconds(60);
    /** A starting agent may take this long to answer (a JVM start on a busy machine is slow). */
    private static final Duration AGENT_UP = Duration.ofSeconds(60);
    private static final Duration RECOVER_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration FAILOVER_WAIT = Duration.ofSeconds(60);
    /** How long the heal after one fault may take before the schedule goes on. */
    private static final Duration PER_FAULT_HEAL = Duration.ofSeconds(60);
    /** An action on a node is not repeated within this time while healing. */
    private static final Duration REPEAT_AFTER = Duration.ofSeconds(30);

    /** Starts clients that write straight to one server (the rogue self-test), until stopped. */
    @FunctionalInterface
    public interface RogueClients {
        Clients start(Endpoints.Endpoint target, int firstProcess);
    }

    private final LocalCluster cluster;
    private final Optional<NetFilter> net;
    private final ClusterOps ops;
    private final Progress progress;
    private final RogueClients rogue;
    private final Map<String, Long> lastAction = new HashMap<>();
    private final Map<Integer, AdminClient> leaderClients = new HashMap<>();

    public ClusterNemesis(LocalCluster cluster, Optional<NetFilter> net, ClusterOps ops, Progress progress,
                          RogueClients rogue) {
        this.cluster = cluster;
        this.net = net;
        this.ops = ops;
        this.progress = progress;
        this.rogue = rogue;
    }

    /** What a started fault did, and what its heal has to undo. */
    public static final class Effect {
        private final Fault fault;
        private final Set<Integer> nodes;
        private final boolean applied;
        private final String what;
        private final List<ProcessHandle> paused = new ArrayList<>();
        private int pausedAgent = -1;
        private Clients rogueClients;

        Effect(Fault fault, Set<Integer> nodes, boolean applied, String what) {
            this.fault = fault;
            this.nodes = Set.copyOf(nodes);
            this.applied = applied;
            this.what = what;
        }

        public Fault fault() {
            return fault;
        }

        public Set<Integer> nodes() {
            return nodes;
        }

        public boolean applied() {
            return applied;
        }

        public String what() {
            return what;
        }
    }

    // ---- start ----

    public Effect start(Fault f) {
        Targets.Choice choice = Targets.choose(f.kind().target(), facts(), new Random(f.seed()));
        if (!choice.found()) {
            return new Effect(f, Set.of(), false, "skipped: " + choice.whyNone());
        }
        Set<Integer> nodes = choice.nodes();
        return switch (f.kind()) {
            case KILL_PRIMARY, KILL_STANDBY -> {
                int n = choice.single();
                java.util.OptionalLong pid = cluster.postgres(n).postmasterPid();
                if (pid.isEmpty()) {
                    yield new Effect(f, nodes, false, "skipped: node " + n + "'s postmaster is not running");
                }
                cluster.postgres(n).kill();
                yield new Effect(f, nodes, true, "kill -9 of node " + n + "'s postmaster (pid " + pid.getAsLong() + ")");
            }
            case STOP_PRIMARY, STOP_STANDBY -> {
                int n = choice.single();
                if (!cluster.postgres(n).isRunning()) {
                    yield new Effect(f, nodes, false, "skipped: node " + n + "'s PostgreSQL is not running");
                }
                cluster.postgres(n).stop(StopMode.IMMEDIATE, PG_TIMEOUT);
                yield new Effect(f, nodes, true, "pg_ctl stop -m immediate of node " + n);
            }
            case KILL_LEADER -> {
                int n = choice.single();
                long pid = cluster.agent(n).pid();
                cluster.agent(n).kill();
                yield new Effect(f, nodes, true, "kill -9 of leader agent " + n + " (pid " + pid + ")");
            }
            case KILL_NODE -> {
                int n = choice.single();
                killProcess(cluster.agents().get(n));
                killProcess(cluster.proxies().get(n));
                cluster.postgres(n).kill();
                yield new Effect(f, nodes, true, "kill -9 of node " + n + ": agent, proxy and PostgreSQL");
            }
            case PAUSE_PRIMARY -> pausePostgres(f, choice.single());
            case PAUSE_LEADER -> {
                int n = choice.single();
                cluster.agent(n).signal("STOP");
                Effect e = new Effect(f, nodes, true, "SIGSTOP of leader agent " + n + " (pid " + cluster.agent(n).pid() + ")");
                e.pausedAgent = n;
                yield e;
            }
            case PARTITION_PRIMARY, PARTITION_LEADER, PARTITION_HALVES -> partition(f, nodes,
                    Partitions.isolate(nodes, allNodes()), "isolated " + describe(nodes) + " from " + describe(rest(nodes)));
            case PARTITION_ONE_WAY -> partition(f, nodes, Partitions.oneWay(choice.single(), allNodes()),
                    "every packet from node " + choice.single() + " to the others dropped (one way)");
            case SWITCHOVER -> {
                ClusterOps.Outcome o = ops.switchover(Duration.ofSeconds(60));
                yield new Effect(f, nodes, o.available() && o.accepted(), "switchover " + o);
            }
            case UNSAFE_ROGUE_PRIMARY -> roguePrimary(f, choice.single());
        };
    }

    private Effect pausePostgres(Fault f, int n) {
        PostgresServer pg = cluster.postgres(n);
        long pm = pg.postmasterPid().orElse(-1);
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pm);
        if (postmaster.isEmpty()) {
            return new Effect(f, Set.of(n), false, "skipped: node " + n + "'s postmaster is not running");
        }
        signal(List.of(postmaster.get()), "STOP");
        // the postmaster cannot fork any more: its children now are all there will be
        List<ProcessHandle> children = postmaster.get().descendants().toList();
        signal(children, "STOP");
        Effect e = new Effect(f, Set.of(n), true, "SIGSTOP of node " + n + "'s postmaster (pid " + pm + ") and its "
                + children.size() + " processes");
        e.paused.add(postmaster.get());
        e.paused.addAll(children);
        return e;
    }

    private Effect partition(Fault f, Set<Integer> nodes, Set<Link> links, String what) {
        NetFilter filter = net.orElseThrow(() -> new IllegalStateException(
                "partition faults need the run's network set up (NetFilter) before the cluster starts"));
        filter.block(links);
        return new Effect(f, nodes, true, what + " [" + Partitions.describe(links) + "]");
    }

    private Effect roguePrimary(Fault f, int old) {
        cluster.postgres(old).kill();
        progress.line("nemesis: rogue self-test: killed node " + old + "'s postmaster; waiting for a failover");
        try {
            cluster.awaitState("a failover away from node " + old, FAILOVER_WAIT, s -> s.getPrimary().getNodeId() != old
                    && s.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
        } catch (RuntimeException e) {
            return new Effect(f, Set.of(old), false, "skipped: no failover away from node " + old + ": " + e.getMessage());
        }
        killProcess(cluster.agents().get(old)); // its agent would stop a stale primary (S2): it must not see this
        PostgresServer pg = cluster.postgres(old);
        pg.configureAsPrimary();
        startByHand(old);
        NodeConfig n = cluster.config().requireNode(old);
        Endpoints.Endpoint direct = new Endpoints.Endpoint(old, n.host(), n.requirePostgres().port());
        Effect e = new Effect(f, Set.of(old), true, "failed-over primary node " + old + " started by hand as a primary"
                + " (agent killed, standby.signal removed); clients write to it directly at " + direct);
        e.rogueClients = rogue.start(direct, 10_000 + 100 * f.id());
        return e;
    }

    // ---- stop ----

    /** Undoes what {@code e} did, then heals the cluster; returns what was done. */
    public String stop(Effect e) {
        if (!e.applied()) {
            return "nothing to heal";
        }
        Fault f = e.fault();
        List<String> done = new ArrayList<>();
        switch (f.kind()) {
            case KILL_PRIMARY, STOP_PRIMARY, KILL_STANDBY, STOP_STANDBY -> { } // the heal below brings the server back
            case KILL_LEADER -> e.nodes().forEach(n -> {
                cluster.agent(n).start();
                done.add("started agent " + n);
            });
            case KILL_NODE -> e.nodes().forEach(n -> {
                cluster.agent(n).start();
                if (cluster.proxies().containsKey(n)) {
                    cluster.proxy(n).start();
                }
                done.add("started agent and proxy " + n);
                awaitAgent(n);
                await(Duration.ofSeconds(10), () -> cluster.postgres(n).isRunning()); // the agent may start it itself
            });
            case PAUSE_PRIMARY -> {
                signal(e.paused, "CONT");
                done.add("SIGCONT of " + e.paused.size() + " PostgreSQL processes");
            }
            case PAUSE_LEADER -> {
                cluster.agent(e.pausedAgent).signal("CONT");
                done.add("SIGCONT of agent " + e.pausedAgent);
            }
            case PARTITION_PRIMARY, PARTITION_LEADER, PARTITION_HALVES, PARTITION_ONE_WAY -> {
                net.ifPresent(NetFilter::heal);
                done.add("partition removed");
            }
            case SWITCHOVER -> done.add("nothing to heal");
            case UNSAFE_ROGUE_PRIMARY -> {
                int n = e.nodes().iterator().next();
                if (e.rogueClients != null) {
                    e.rogueClients.stop();
                    e.rogueClients.await(Duration.ofSeconds(15));
                }
                cluster.postgres(n).stop(StopMode.IMMEDIATE, PG_TIMEOUT);
                cluster.agent(n).start();
                done.add("rogue clients stopped, node " + n + "'s server stopped, its agent started");
                awaitAgent(n);
            }
        }
        Rounds r = heal(allNodes(), PER_FAULT_HEAL, this::healthyNow);
        done.addAll(r.actions());
        done.add(r.done() ? "cluster healthy" : "cluster not healthy after " + PER_FAULT_HEAL.toSeconds() + " s: "
                + r.last().map(ClusterHealth::stateLine).orElse("no agent answered"));
        return String.join("; ", done);
    }

    /** What a healing loop did, and whether it reached its goal. */
    private record Rounds(boolean done, List<String> actions, List<String> blockers, Optional<ClusterState> last) {}

    private Rounds heal(List<Integer> nodes, Duration timeout, java.util.function.Predicate<ClusterState> goal) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lastAction.clear(); // the guard against repeating an action holds within one heal, not across faults
        List<String> actions = new ArrayList<>();
        Map<Integer, String> blockers = new java.util.TreeMap<>();
        Optional<ClusterState> s;
        while (true) {
            int leader = leader();
            s = freshState(leader);
            if (s.isPresent() && goal.test(s.get())) {
                return new Rounds(true, actions, List.of(), s);
            }
            if (System.nanoTime() > deadline) {
                return new Rounds(false, actions, List.copyOf(blockers.values()), s);
            }
            for (int n : nodes) {
                for (HealPlan.Step step : HealPlan.plan(nodeFacts(n, s))) {
                    Long last = lastAction.get(n + "/" + step);
                    if (last == null || System.nanoTime() - last > REPEAT_AFTER.toNanos()) {
                        String result = apply(n, step);
                        actions.add(result);
                        if (result.contains("not available") || result.contains("refused") || result.contains("failed")) {
                            blockers.put(n, result);
                        } else {
                            blockers.remove(n);
                        }
                    }
                }
            }
            Optional<ClusterState> before = s;
            await(Duration.ofSeconds(3), () -> freshState(leader).map(now -> goal.test(now)
                    || !now.equals(before.orElse(null))).orElse(false));
        }
    }

    /**
     * Healthy as committed (one active primary, every server up, every standby streaming) and as
     * seen here: every agent, proxy and postmaster runs. (Right after a kill the committed state
     * still says up.)
     */
    private boolean healthyNow(ClusterState s) {
        return ClusterHealth.healthy(s) && allProcessesAlive() && cluster.config().postgresNodes().stream()
                .allMatch(n -> cluster.postgres(n.id()).isRunning());
    }

    private String apply(int n, HealPlan.Step step) {
        lastAction.put(n + "/" + step, System.nanoTime());
        progress.line("nemesis: heal node " + n + ": " + step.text());
        try {
            switch (step) {
                case START_AGENT -> {
                    cluster.agent(n).start();
                    awaitAgent(n);
                }
                case START_PROXY -> cluster.proxy(n).start();
                case RESTART_AGENT_FOR_PRIMARY -> {
                    cluster.agent(n).stop(Duration.ofSeconds(10));
                    cluster.agent(n).start();
                    awaitAgent(n);
                    // it starts its primary once it is in contact with the majority again, unless a
                    // failover replaced it meanwhile
                    await(AGENT_UP, Duration.ofSeconds(1), () -> cluster.postgres(n).isRunning() || freshState().map(st ->
                            st.getPrimary().getNodeId() != n || st.getPrimary().getPhase() != PrimaryPhase.ACTIVE)
                            .orElse(false));
                }
                case START_STANDBY_BY_HAND -> startByHand(n);
                case RECOVER -> {
                    ClusterOps.Outcome o = ops.recoverNode(n, RECOVER_TIMEOUT);
                    progress.line("nemesis: recovery-node " + n + ": " + o);
                    return "node " + n + ": recovery-node " + o;
                }
            }
            return "node " + n + ": " + step.text();
        } catch (RuntimeException ex) {
            progress.line("nemesis: heal node " + n + ": " + step.text() + " failed: " + ex.getMessage());
            return "node " + n + ": " + step.text() + " failed: " + firstLine(ex.getMessage());
        }
    }

    /** Starts node {@code n}'s PostgreSQL as an operator would: pg_ctl start, as its OS user, in its node's cgroup. */
    void startByHand(int n) {
        PostgresServer pg = cluster.postgres(n);
        if (pg.isRunning()) {
            return;
        }
        if (net.isEmpty()) {
            pg.start(PG_TIMEOUT);
            return;
        }
        var s = pg.settings();
        List<String> cmd = new ArrayList<>();
        OsUser user = pg.os().user();
        if (OsUser.jvmIsRoot()) {
            cmd.addAll(List.of("setpriv", "--reuid=" + user.name(), "--regid=" + user.group(), "--init-groups", "--"));
        }
        cmd.addAll(List.of(s.bin("pg_ctl").toString(), "start", "-w", "-t", Long.toString(PG_TIMEOUT.toSeconds()),
                "-D", s.dataDir().toString(), "-l", s.logFile().toString()));
        Exec.Result r = Exec.run(PG_TIMEOUT.plusSeconds(10), net.get().wrap(n, cmd));
        if (!r.ok()) {
            throw new IllegalStateException("pg_ctl start of node " + n + " failed (exit " + r.exitCode() + "): " + r.output());
        }
    }

    // ---- final heal ----

    /** How the final heal ended. */
    public record HealResult(boolean healed, String state, long elapsedMs, List<String> blockers) {}

    /**
     * Undoes every fault still in place (partitions, pauses), then brings every node back as an
     * operator would until the cluster is healthy (one active primary, every server up and every
     * standby streaming) or {@code timeout} passes.
     */
    public HealResult healAll(List<Effect> open, Duration timeout) {
        long start = System.nanoTime();
        for (Effect e : open) {
            try {
                progress.line("nemesis: final heal of fault #" + e.fault().id() + ": " + stop(e));
            } catch (RuntimeException ex) {
                progress.line("nemesis: final heal of fault #" + e.fault().id() + " failed: " + ex.getMessage());
            }
        }
        net.ifPresent(NetFilter::heal);
        Rounds r = heal(allNodes(), timeout, this::healthyNow);
        return new HealResult(r.done(), r.last().map(ClusterHealth::stateLine).orElse("no agent answered"), millisSince(start),
                r.blockers());
    }

    // ---- facts ----

    Targets.Facts facts() {
        Set<Integer> running = new TreeSet<>();
        for (NodeConfig n : cluster.config().postgresNodes()) {
            if (cluster.postgres(n.id()).isRunning()) {
                running.add(n.id());
            }
        }
        int leader = leader();
        return new Targets.Facts(freshState(leader).orElse(null), leader, running, allNodes());
    }

    private HealPlan.NodeFacts nodeFacts(int n, Optional<ClusterState> s) {
        boolean hasPg = cluster.config().requireNode(n).postgres().isPresent();
        ManagedProcess proxy = cluster.proxies().get(n);
        int primary = s.map(st -> st.getPrimary().getNodeId()).orElse(-1);
        boolean primaryRunning = primary >= 0 && cluster.config().node(primary).flatMap(NodeConfig::postgres).isPresent()
                && cluster.postgres(primary).isRunning();
        return new HealPlan.NodeFacts(n, hasPg, cluster.agent(n).isAlive(), proxy == null || proxy.isAlive(),
                hasPg && cluster.postgres(n).isRunning(), s.flatMap(st -> ClusterStates.backend(st, n)), primary,
                s.map(st -> st.getPrimary().getPhase()).orElse(PrimaryPhase.PHASE_NONE), primaryRunning);
    }

    /**
     * The committed state as the Raft leader knows it: an agent just back from a partition or a
     * pause answers with what it knew before, and healing on that would undo a failover.
     * Falls back to any agent when no leader is known.
     */
    Optional<ClusterState> freshState() {
        return freshState(leader());
    }

    private Optional<ClusterState> freshState(int leader) {
        if (leader >= 0) {
            try {
                return Optional.of(leaderClient(leader).getState().getState());
            } catch (RuntimeException e) {
                // it stopped leading or answering a moment ago: any agent will do
            }
        }
        return cluster.state();
    }

    private synchronized AdminClient leaderClient(int node) {
        return leaderClients.computeIfAbsent(node, n -> AdminClient.connect(List.of(
                cluster.config().requireNode(n).adminAddress()), Duration.ofSeconds(2)));
    }

    /** Closes the admin clients this nemesis opened. */
    public synchronized void close() {
        leaderClients.values().forEach(AdminClient::close);
        leaderClients.clear();
    }

    /** The node that says it is the Raft leader in the newest term, -1 when none does. */
    public int leader() {
        return Leaders.find(cluster);
    }

    private boolean allProcessesAlive() {
        return cluster.agents().values().stream().allMatch(ManagedProcess::isAlive)
                && cluster.proxies().values().stream().allMatch(ManagedProcess::isAlive);
    }

    private List<Integer> allNodes() {
        return cluster.config().nodes().stream().map(NodeConfig::id).sorted().toList();
    }

    private Set<Integer> rest(Set<Integer> side) {
        return allNodes().stream().filter(n -> !side.contains(n)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String describe(Set<Integer> nodes) {
        return (nodes.size() == 1 ? "node " : "nodes ") + nodes.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private void awaitAgent(int n) {
        String address = cluster.config().requireNode(n).adminAddress();
        await(AGENT_UP, () -> {
            try {
                cluster.admin().getRaftInfo(address);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    private static void killProcess(ManagedProcess p) {
        if (p != null) {
            p.kill();
        }
    }

    /** kill -SIG for processes of this cluster, each checked to be the same process (start time) first. */
    private static void signal(List<ProcessHandle> processes, String signal) {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
        for (ProcessHandle p : processes) {
            Optional<Instant> started = p.info().startInstant();
            Optional<ProcessHandle> now = ProcessHandle.of(p.pid());
            if (now.isPresent() && now.get().info().startInstant().equals(started)) {
                cmd.add(Long.toString(p.pid()));
            }
        }
        if (cmd.size() > 2) {
            Exec.run(Duration.ofSeconds(10), cmd); // a process that exited meanwhile is no error
        }
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code timeout} passes. */
    private static boolean await(Duration timeout, BooleanSupplier condition) {
        return await(timeout, Duration.ofMillis(100), condition);
    }

    /** Polls {@code condition} every {@code every} until it holds or {@code timeout} passes. */
    private static boolean await(Duration timeout, Duration every, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
