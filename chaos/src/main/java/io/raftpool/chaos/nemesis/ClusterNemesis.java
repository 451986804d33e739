package io.raftpool.chaos.nemesis;

import io.raftpool.chaos.Progress;
import io.raftpool.chaos.net.NetFilter;
import io.raftpool.chaos.workload.Clients;
import io.raftpool.chaos.workload.Endpoints;
import io.raftpool.harness.ClusterHealth;
import io.raftpool.harness.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Applies faults to a real {@link LocalCluster} and heals them (Jepsen's nemesis: setup is the
 * cluster and network made by the run; invoke is {@link #start} and {@link #stop}; teardown is
 * {@link #healAll}). Each fault goes to its family: {@link ProcessFaults}, {@link NetworkFaults}
 * or {@link AdminFaults}. {@link #stop} undoes what the fault did (SIGCONT, rules removed,
 * processes started) and then brings the cluster back to health as an operator would
 * ({@link Healer}, up to a minute), so each fault meets a healthy cluster.
 */
public final class ClusterNemesis {
    /** How long the heal after one fault may take before the schedule goes on. */
    private static final Duration PER_FAULT_HEAL = Duration.ofSeconds(60);

    /** Starts clients that write straight to one server (the rogue self-test), until stopped. */
    @FunctionalInterface
    public interface RogueClients {
        Clients start(Endpoints.Endpoint target, int firstProcess);
    }

    private final Progress progress;
    private final ClusterView view;
    private final ProcessFaults processes;
    private final NetworkFaults network;
    private final AdminFaults admin;
    private final Healer healer;

    public ClusterNemesis(LocalCluster cluster, Optional<NetFilter> net, ClusterOps ops, Progress progress,
                          RogueClients rogue) {
        this.progress = progress;
        this.view = new ClusterView(cluster);
        OperatorHands hands = new OperatorHands(cluster, net);
        this.processes = new ProcessFaults(cluster, hands, progress, rogue, view::leader);
        this.network = new NetworkFaults(net, view::allNodes);
        this.admin = new AdminFaults(ops);
        this.healer = new Healer(cluster, view, hands, ops, progress);
    }

    public Effect start(Fault f) {
        Targets.Choice choice = Targets.choose(f.kind().target(), view.facts(), new Random(f.seed()));
        if (!choice.found()) {
            return new Effect(f, Set.of(), false, "skipped: " + choice.whyNone());
        }
        return switch (f.kind()) {
            case KILL_PRIMARY, STOP_PRIMARY, KILL_STANDBY, STOP_STANDBY, KILL_LEADER, KILL_NODE, PAUSE_PRIMARY,
                    PAUSE_LEADER, HANG_POSTMASTER, PAUSE_PRIMARY_AGENT, UNSAFE_ROGUE_PRIMARY -> processes.start(f, choice);
            case PARTITION_PRIMARY, PARTITION_LEADER, PARTITION_HALVES, PARTITION_ONE_WAY -> network.start(f, choice);
            case PAUSE_PRIMARY_AGENT_PARTITIONED -> pauseAndCutOff(f, choice);
            case SWITCHOVER -> admin.start(f, choice);
        };
    }

    /** The primary's agent stopped, then its node cut off: one fault, so one effect that heals both. */
    private Effect pauseAndCutOff(Fault f, Targets.Choice choice) {
        Effect paused = processes.start(f, choice);
        Effect cut;
        try {
            cut = network.start(f, choice);
        } catch (RuntimeException ex) {
            processes.undo(paused, new ArrayList<>()); // no half-made fault stays behind
            throw ex;
        }
        Effect both = new Effect(f, choice.nodes(), true, paused.what() + ", then " + cut.what());
        both.pausedAgent = paused.pausedAgent;
        return both;
    }

    /** Undoes what {@code e} did, then heals the cluster; returns what was done. */
    public String stop(Effect e) {
        if (!e.applied()) {
            return "nothing to heal";
        }
        List<String> done = new ArrayList<>();
        switch (e.fault().kind()) {
            case KILL_PRIMARY, STOP_PRIMARY, KILL_STANDBY, STOP_STANDBY, KILL_LEADER, KILL_NODE, PAUSE_PRIMARY,
                    PAUSE_LEADER, HANG_POSTMASTER, PAUSE_PRIMARY_AGENT, UNSAFE_ROGUE_PRIMARY -> processes.undo(e, done);
            case PARTITION_PRIMARY, PARTITION_LEADER, PARTITION_HALVES, PARTITION_ONE_WAY -> network.undo(done);
            case PAUSE_PRIMARY_AGENT_PARTITIONED -> {
                // the agent wakes up still cut off, as after a pause in a real partition: what it does
                // first (fence, or not) is part of what the run judges; then the rules go
                processes.undo(e, done);
                network.undo(done);
            }
            case SWITCHOVER -> done.add("nothing to heal");
        }
        Healer.Rounds r = healer.heal(view.allNodes(), PER_FAULT_HEAL, healer::healthyNow);
        done.addAll(r.actions());
        done.add(r.done() ? "cluster healthy" : "cluster not healthy after " + PER_FAULT_HEAL.toSeconds() + " s: "
                + r.last().map(ClusterHealth::stateLine).orElse("no agent answered"));
        return String.join("; ", done);
    }

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
        network.healAll();
        Healer.Rounds r = healer.heal(view.allNodes(), timeout, healer::healthyNow);
        return new HealResult(r.done(), r.last().map(ClusterHealth::stateLine).orElse("no agent answered"),
                (System.nanoTime() - start) / 1_000_000, r.blockers());
    }

    /** Closes the admin clients this nemesis opened. */
    public void close() {
        view.close();
    }

    /** The node that says it is the Raft leader in the newest term, -1 when none does. */
    public int leader() {
        return view.leader();
    }
}
