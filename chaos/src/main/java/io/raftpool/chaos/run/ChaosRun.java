package io.raftpool.chaos.run;

import io.raftpool.chaos.Progress;
import io.raftpool.chaos.checker.Validity;
import io.raftpool.chaos.checker.Verdict;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.HistoryRecorder;
import io.raftpool.chaos.history.Json;
import io.raftpool.chaos.nemesis.AdminClusterOps;
import io.raftpool.chaos.nemesis.ClusterNemesis;
import io.raftpool.chaos.nemesis.ClusterOps;
import io.raftpool.chaos.nemesis.Effect;
import io.raftpool.chaos.nemesis.Fault;
import io.raftpool.chaos.nemesis.Schedule;
import io.raftpool.chaos.net.NetFilter;
import io.raftpool.chaos.report.Marker;
import io.raftpool.chaos.report.Report;
import io.raftpool.chaos.report.ReportData;
import io.raftpool.chaos.workload.Clients;
import io.raftpool.chaos.workload.Endpoints;
import io.raftpool.chaos.workload.Workload;
import io.raftpool.harness.ClusterHealth;
import io.raftpool.harness.ClusterOptions;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * One chaos run, from a fresh cluster to a report: start a cluster of real agents, PostgreSQL
 * servers and proxies (in per-node cgroups when partitions are wanted); set up the workload;
 * run the clients through the proxies while the nemesis follows the schedule; heal
 * everything; wait for recovery; do the final read; stop the cluster; check the history;
 * write the run directory. Every phase and every fault is a progress line.
 */
public final class ChaosRun {
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    /**
     * Process number of the first direct client: far above the proxy clients' (which grow by the
     * concurrency at every unknown outcome), so the two groups never share a process or an id.
     */
    static final int FIRST_DIRECT_PROCESS = 1_000_000;

    private final ChaosOptions o;
    private final Progress progress;
    private final Function<LocalCluster, ClusterOps> opsFactory;

    public ChaosRun(ChaosOptions options, Progress progress) {
        this(options, progress, AdminClusterOps::new);
    }

    /** With other operator actions (e.g. a stand-in for an admin call the agents lack). */
    public ChaosRun(ChaosOptions options, Progress progress, Function<LocalCluster, ClusterOps> opsFactory) {
        this.o = options;
        this.progress = progress;
        this.opsFactory = opsFactory;
    }

    public RunResult run() {
        Path dir = o.dir().toAbsolutePath();
        RunFiles.prepareDir(dir);
        String runId = Long.toHexString(new SecureRandom().nextLong() & 0xffffffffL);
        Schedule schedule = o.schedule();
        Workload workload = Workload.byName(o.workload());
        progress.line("chaos run " + runId + ": workload " + o.workload() + ", nemesis " + o.nemesis().text() + ", "
                + o.nodes() + " nodes (" + (o.nodes() - 1) + " PostgreSQL servers and a witness), time limit "
                + o.timeLimit().toSeconds() + " s, seed " + o.seed() + "; report in " + dir);
        progress.line("schedule: " + (schedule.faults().isEmpty() ? "no faults" : schedule.faults().stream()
                .map(Fault::toString).toList()));
        RunFiles.writeText(dir.resolve("schedule.json"), Json.pretty(RunFiles.scheduleJson(schedule)));

        NetFilter net = null;
        LocalCluster cluster = null;
        Thread exitHook = null;
        HistoryRecorder recorder = null;
        EventCollector events = null;
        ClusterNemesis.HealResult heal = new ClusterNemesis.HealResult(false, "the run stopped before the final heal", 0,
                List.of());
        Optional<String> error = Optional.empty();
        Map<String, Object> runInfo = RunFiles.runInfo(o, runId);
        try {
            Map<Integer, String> addresses = new TreeMap<>();
            for (int i = 0; i < o.nodes(); i++) {
                addresses.put(i, "127.0.0." + (11 + i));
            }
            if (o.nemesis().needsNetwork()) {
                net = NetFilter.setup(runId, addresses, progress::line);
            }
            cluster = startCluster(dir, net);
            exitHook = stopOnExit(dir, cluster, net);
            recorder = new HistoryRecorder(Optional.of(dir.resolve("history.jsonl")), System::nanoTime,
                    System::currentTimeMillis);
            events = new EventCollector(cluster, recorder::now, progress);
            events.start();
            Endpoints endpoints = Endpoints.of(cluster.config());
            ControlClient control = new ControlClient(recorder, endpoints, progress);
            control.run("setup", c -> workload.setup(c, o.syncReplication()));

            heal = runWorkload(cluster, net, recorder, endpoints, workload, schedule);

            control.run("final-read", workload::finalRead);
            events.poll();
        } catch (RuntimeException e) {
            error = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
            progress.line("run stopped early: " + error.get());
            if (recorder == null) {
                teardown(dir, cluster, net, events, exitHook);
                throw e;
            }
        } finally {
            if (recorder != null) {
                teardown(dir, cluster, net, events, exitHook);
                recorder.close();
            }
        }

        History history = recorder.snapshot();
        List<Event> committed = events == null ? List.of() : events.events();
        Verdict verdict = Verdicts.check(history, Optional.of(RunFiles.committedEvents(committed)));
        if (error.isPresent() && verdict.validity() == Validity.VALID) {
            verdict = new Verdict(verdict.checker(), Validity.UNKNOWN, List.of("the run stopped early: " + error.get()),
                    verdict.warnings(), verdict.details(), verdict.parts());
        }
        error.ifPresent(e -> runInfo.put("error", e));
        RunFiles.writeText(dir.resolve("events.json"), Json.pretty(RunFiles.eventsJson(committed)));
        List<Marker> markers = events == null ? List.of() : RunFiles.markers(events.primaryChanges());
        ReportData data = new ReportData(runInfo, verdict, new ReportData.Healing(heal.healed(), heal.state(),
                heal.elapsedMs(), heal.blockers()), history, markers, RunFiles.files(dir));
        Report.write(dir, data);
        progress.line("result: " + data.result() + " (details in " + dir.resolve("summary.txt") + ", plots in "
                + dir.resolve("index.html") + ")");
        return new RunResult(dir, data, error);
    }

    private LocalCluster startCluster(Path dir, NetFilter net) {
        IntFunction<List<String>> prefix = node -> processPrefix(net == null ? List.of() : net.processPrefix().apply(node),
                o.agentJavaOptions());
        ClusterOptions options = LocalCluster.options().name("chaos").dir(dir.resolve("cluster")).proxies(true)
                .distinctLoopbackAddresses().postgresNodes(o.nodes() - 1).witnesses(1).processPrefix(prefix);
        o.config().forEach((section, keys) -> keys.forEach((k, v) -> options.set(section, k, v)));
        long start = System.nanoTime();
        progress.line("cluster: starting " + o.nodes() + " agents, " + o.nodes() + " proxies and " + (o.nodes() - 1)
                + " PostgreSQL servers in " + dir.resolve("cluster"));
        LocalCluster cluster = LocalCluster.start(options);
        try {
            ClusterState s = cluster.awaitHealthy(START_TIMEOUT);
            progress.line(String.format("cluster: healthy after %.1f s: %s", (System.nanoTime() - start) / 1e9,
                    ClusterHealth.stateLine(s)));
        } catch (RuntimeException e) {
            cluster.close();
            RunFiles.copyLogs(dir, cluster);
            throw e;
        }
        return cluster;
    }

    /**
     * The words before an agent's or proxy's java command: join the node's cgroup, then pass the
     * extra JVM options through JAVA_TOOL_OPTIONS; each part execs the next, so the pid stays.
     */
    static List<String> processPrefix(List<String> cgroupPrefix, List<String> javaOptions) {
        List<String> p = new ArrayList<>(cgroupPrefix);
        if (!javaOptions.isEmpty()) {
            p.addAll(List.of("env", "JAVA_TOOL_OPTIONS=" + String.join(" ", javaOptions)));
        }
        return p;
    }

    private ClusterNemesis.HealResult runWorkload(LocalCluster cluster, NetFilter net, HistoryRecorder recorder,
                                                  Endpoints endpoints, Workload workload, Schedule schedule) {
        double perClient = o.rate() / o.concurrency();
        long t0 = recorder.now();
        long end = t0 + o.timeLimit().toNanos();
        Clients clients = new Clients(workload, recorder, endpoints, endpoints.proxies(), 0, o.concurrency(), o.seed(),
                perClient, end, "chaos", o.pinnedClients());
        ClusterNemesis nemesis = new ClusterNemesis(cluster, Optional.ofNullable(net), opsFactory.apply(cluster), progress,
                (target, firstProcess) -> {
                    Clients rogue = new Clients(workload, recorder, endpoints, List.of(target), firstProcess, 1,
                            o.seed() + firstProcess, perClient, Long.MAX_VALUE, "chaos-rogue", true);
                    rogue.start();
                    return rogue;
                });
        progress.line("workload: " + o.concurrency() + " clients of " + o.workload() + " through the proxies "
                + endpoints.proxies() + " at " + o.rate() + " operations/s for " + o.timeLimit().toSeconds() + " s");
        Optional<Clients> direct = o.directClients() ? Optional.of(Clients.direct(workload, recorder, endpoints,
                FIRST_DIRECT_PROCESS, o.seed() + FIRST_DIRECT_PROCESS, perClient, end)) : Optional.empty();
        direct.ifPresent(d -> progress.line("workload: " + d.size() + " direct clients of " + o.workload()
                + ", each with a session straight to one PostgreSQL server " + endpoints.servers() + " at " + perClient
                + " operations/s each"));
        clients.start();
        direct.ifPresent(Clients::start);
        ClientTicker ticker = new ClientTicker(recorder, clients, progress, t0);
        RecordedNemesis recorded = new RecordedNemesis(nemesis, recorder, progress);
        List<Effect> open = new ArrayList<>();
        for (Fault f : schedule.faults()) {
            ticker.waitUntil(t0 + f.startMs() * 1_000_000);
            if (recorder.now() + f.durationMs() * 1_000_000 > end) {
                progress.line("nemesis: fault #" + f.id() + " " + f.kind().cliName() + " not started: healing the earlier"
                        + " faults took so long that it would outlast the workload");
                continue;
            }
            long startedAt = recorder.now();
            Effect effect = recorded.start(f);
            if (effect != null) {
                open.add(effect);
                // a fault started late (an earlier heal took long) still lasts its whole duration
                ticker.waitUntil(Math.max(t0 + f.endMs() * 1_000_000, startedAt + f.durationMs() * 1_000_000));
                if (recorded.stop(effect)) {
                    open.remove(effect);
                }
            }
        }
        ticker.waitUntil(end);
        clients.stop();
        direct.ifPresent(Clients::stop);
        if (!clients.await(Duration.ofSeconds(20)) || !direct.map(d -> d.await(Duration.ofSeconds(10))).orElse(true)) {
            progress.line("workload: a client is still busy 20 s after the time limit; its operation stays open (info)");
        }
        progress.line("workload: ended with " + clients.ok() + " ok, " + clients.failed() + " fail, " + clients.unknown()
                + " info" + direct.map(d -> "; direct clients: " + d.ok() + " ok, " + d.failed() + " fail, "
                + d.unknown() + " info").orElse(""));
        progress.line("heal: undoing every fault and waiting up to " + o.recoveryTimeout().toSeconds()
                + " s for one primary with every standby streaming");
        ClusterNemesis.HealResult heal;
        try {
            heal = nemesis.healAll(open, o.recoveryTimeout());
        } finally {
            nemesis.close();
        }
        progress.line("heal: " + (heal.healed() ? "healthy" : "NOT healed") + " after " + heal.elapsedMs() + " ms: "
                + heal.state() + (heal.blockers().isEmpty() ? "" : "; blocked by: " + heal.blockers()));
        return heal;
    }

    /** If the JVM is ended (Ctrl-C, SIGTERM) during the run, the cluster and the network faults go with it. */
    private Thread stopOnExit(Path dir, LocalCluster cluster, NetFilter net) {
        Thread hook = new Thread(() -> {
            progress.line("interrupted: stopping the cluster and removing the network faults");
            cluster.close();
            RunFiles.copyLogs(dir, cluster);
            if (net != null) {
                net.close();
            }
        }, "chaos-stop-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private void teardown(Path dir, LocalCluster cluster, NetFilter net, EventCollector events, Thread exitHook) {
        if (exitHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException e) {
                return; // the JVM is shutting down: the hook does the teardown
            }
        }
        try {
            if (events != null) {
                events.stop();
            }
        } finally {
            try {
                if (cluster != null) {
                    progress.line("cluster: stopping");
                    cluster.close();
                    RunFiles.copyLogs(dir, cluster);
                    if (!o.keepCluster()) {
                        RunFiles.deleteTree(dir.resolve("cluster"));
                    }
                }
            } finally {
                if (net != null) {
                    net.close(); // even when stopping the cluster failed: no rule outlives the run
                }
            }
        }
    }
}
