package io.raftpool.chaos.nemesis;

import io.raftpool.chaos.Progress;
import io.raftpool.chaos.workload.Endpoints;
import io.raftpool.config.NodeConfig;
import io.raftpool.harness.Exec;
import io.raftpool.harness.LocalCluster;
import io.raftpool.harness.ManagedProcess;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.StopMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The faults done to processes, and their undoing: PostgreSQL servers killed, stopped or
 * paused, agents killed or paused, a whole node killed, and the rogue-primary self-test. Only
 * processes of this cluster are signalled, by pid.
 */
final class ProcessFaults {
    private static final Duration FAILOVER_WAIT = Duration.ofSeconds(60);

    private final LocalCluster cluster;
    private final OperatorHands hands;
    private final Progress progress;
    private final ClusterNemesis.RogueClients rogue;
    private final IntSupplier leader;

    /** {@code leader}: the Raft leader now, -1 when none is known (to say whether a paused primary's agent also leads). */
    ProcessFaults(LocalCluster cluster, OperatorHands hands, Progress progress, ClusterNemesis.RogueClients rogue,
                  IntSupplier leader) {
        this.cluster = cluster;
        this.hands = hands;
        this.progress = progress;
        this.rogue = rogue;
        this.leader = leader;
    }

    Effect start(Fault f, Targets.Choice choice) {
        Set<Integer> nodes = choice.nodes();
        return switch (f.kind()) {
            case KILL_PRIMARY, KILL_STANDBY -> {
                int n = choice.single();
                OptionalLong pid = cluster.postgres(n).postmasterPid();
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
                cluster.postgres(n).stop(StopMode.IMMEDIATE, OperatorHands.PG_TIMEOUT);
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
            case HANG_POSTMASTER -> hangPostmaster(f, choice.single());
            case PAUSE_LEADER -> pauseAgent(f, choice.single(), "leader agent " + choice.single(), "");
            case PAUSE_PRIMARY_AGENT, PAUSE_PRIMARY_AGENT_PARTITIONED -> pauseAgent(f, choice.single(),
                    "the primary's agent " + choice.single(), choice.single() == leader.getAsInt()
                            ? "the Raft leader too; " : "not the Raft leader; ");
            case UNSAFE_ROGUE_PRIMARY -> roguePrimary(f, choice.single());
            default -> throw new IllegalArgumentException(f.kind() + " is no fault of processes");
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

    /** {@code note}: said before the pid in the description, e.g. whether it leads. */
    private Effect pauseAgent(Fault f, int n, String which, String note) {
        cluster.agent(n).signal("STOP");
        Effect e = new Effect(f, Set.of(n), true, "SIGSTOP of " + which + " (" + note + "pid " + cluster.agent(n).pid() + ")");
        e.pausedAgent = n;
        return e;
    }

    /** SIGSTOP of the postmaster alone: its backends go on serving the sessions already open. */
    private Effect hangPostmaster(Fault f, int n) {
        long pm = cluster.postgres(n).postmasterPid().orElse(-1);
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pm);
        if (postmaster.isEmpty()) {
            return new Effect(f, Set.of(n), false, "skipped: node " + n + "'s postmaster is not running");
        }
        signal(List.of(postmaster.get()), "STOP");
        Effect e = new Effect(f, Set.of(n), true, "SIGSTOP of node " + n + "'s postmaster only (pid " + pm + "; its "
                + postmaster.get().children().count() + " children keep running)");
        e.paused.add(postmaster.get());
        return e;
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
        hands.startPostgres(old);
        NodeConfig n = cluster.config().requireNode(old);
        Endpoints.Endpoint direct = new Endpoints.Endpoint(old, n.host(), n.requirePostgres().port());
        Effect e = new Effect(f, Set.of(old), true, "failed-over primary node " + old + " started by hand as a primary"
                + " (agent killed, standby.signal removed); clients write to it directly at " + direct);
        e.rogueClients = rogue.start(direct, 10_000 + 100 * f.id());
        return e;
    }

    /** Undoes what {@code e} did to processes, adding what was done to {@code done}; the heal does the rest. */
    void undo(Effect e, List<String> done) {
        switch (e.fault().kind()) {
            case KILL_PRIMARY, STOP_PRIMARY, KILL_STANDBY, STOP_STANDBY -> { } // the heal brings the server back
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
                hands.awaitAgent(n);
                Poll.until(Duration.ofSeconds(10), () -> cluster.postgres(n).isRunning()); // the agent may start it itself
            });
            case PAUSE_PRIMARY, HANG_POSTMASTER -> {
                // a process the agent's fence killed meanwhile is not signalled (signal() checks it is the same one)
                signal(e.paused, "CONT");
                done.add("SIGCONT of " + e.paused.size() + " PostgreSQL process(es)");
            }
            case PAUSE_LEADER, PAUSE_PRIMARY_AGENT, PAUSE_PRIMARY_AGENT_PARTITIONED -> {
                cluster.agent(e.pausedAgent).signal("CONT");
                done.add("SIGCONT of agent " + e.pausedAgent);
            }
            case UNSAFE_ROGUE_PRIMARY -> {
                int n = e.nodes().iterator().next();
                if (e.rogueClients != null) {
                    e.rogueClients.stop();
                    e.rogueClients.await(Duration.ofSeconds(15));
                }
                cluster.postgres(n).stop(StopMode.IMMEDIATE, OperatorHands.PG_TIMEOUT);
                cluster.agent(n).start();
                done.add("rogue clients stopped, node " + n + "'s server stopped, its agent started");
                hands.awaitAgent(n);
            }
            default -> throw new IllegalArgumentException(e.fault().kind() + " is no fault of processes");
        }
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
}
