package io.raftpool.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftpool.chaos.Progress;
import io.raftpool.chaos.checker.Validity;
import io.raftpool.chaos.checker.Verdict;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.HistoryRecorder;
import io.raftpool.chaos.history.Json;
import io.raftpool.chaos.history.Op;
import io.raftpool.chaos.history.OpType;
import io.raftpool.chaos.nemesis.AdminClusterOps;
import io.raftpool.chaos.nemesis.ClusterNemesis;
import io.raftpool.chaos.nemesis.ClusterOps;
import io.raftpool.chaos.nemesis.Fault;
import io.raftpool.chaos.nemesis.Schedule;
import io.raftpool.chaos.net.NetFilter;
import io.raftpool.chaos.report.Marker;
import io.raftpool.chaos.report.Report;
import io.raftpool.chaos.report.ReportData;
import io.raftpool.chaos.workload.Clients;
import io.raftpool.chaos.workload.Endpoints;
import io.raftpool.chaos.workload.Workload;
import io.raftpool.config.NodeConfig;
import io.raftpool.harness.ClusterHealth;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.PrimaryPhase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * One chaos run, from a fresh cluster to a report: start a cluster of real agents, PostgreSQL
 * servers and proxies (in per-node cgroups when partitions are wanted); set up the workload;
 * run the clients through the proxies while the nemesis follows the schedule; heal
 * everything; wait for recovery; do the final read; stop the cluster; check the history;
 * write the run directory. Every phase and every fault is a progress line.
 */
public final class ChaosRun {
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(60);
    static final long TICK_NS = 10_000_000_000L;

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
        prepareDir(dir);
        String runId = Long.toHexString(new SecureRandom().nextLong() & 0xffffffffL);
        Schedule schedule = o.schedule();
        Workload workload = Workload.byName(o.workload());
        progress.line("chaos run " + runId + ": workload " + o.workload() + ", nemesis " + o.nemesis().text() + ", "
                + o.nodes() + " nodes (" + (o.nodes() - 1) + " PostgreSQL servers and a witness), time limit "
                + o.timeLimit().toSeconds() + " s, seed " + o.seed() + "; report in " + dir);
        progress.line("schedule: " + (schedule.faults().isEmpty() ? "no faults" : schedule.faults().stream()
                .map(Fault::toString).toList()));
        writeText(dir.resolve("schedule.json"), Json.pretty(scheduleJson(schedule)));

        NetFilter net = null;
        LocalCluster cluster = null;
        Thread exitHook = null;
        HistoryRecorder recorder = null;
        EventCollector events = null;
        ClusterNemesis.HealResult heal = new ClusterNemesis.HealResult(false, "the run stopped before the final heal", 0,
                List.of());
        Optional<String> error = Optional.empty();
        Map<String, Object> runInfo = runInfo(runId);
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
            control(recorder, endpoints, "setup", c -> workload.setup(c, o.syncReplication()));

            heal = runWorkload(cluster, net, recorder, endpoints, workload, schedule);

            control(recorder, endpoints, "final-read", workload::finalRead);
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
        Verdict verdict = Verdicts.check(history);
        if (error.isPresent() && verdict.validity() == Validity.VALID) {
            verdict = new Verdict(verdict.checker(), Validity.UNKNOWN, List.of("the run stopped early: " + error.get()),
                    verdict.warnings(), verdict.details(), verdict.parts());
        }
        error.ifPresent(e -> runInfo.put("error", e));
        List<Event> committed = events == null ? List.of() : events.events();
        writeText(dir.resolve("events.json"), Json.pretty(eventsJson(committed)));
        List<Marker> markers = events == null ? List.of() : markers(events.primaryChanges());
        ReportData data = new ReportData(runInfo, verdict, new ReportData.Healing(heal.healed(), heal.state(),
                heal.elapsedMs(), heal.blockers()), history, markers, files(dir));
        Report.write(dir, data);
        progress.line("result: " + data.result() + " (details in " + dir.resolve("summary.txt") + ", plots in "
                + dir.resolve("index.html") + ")");
        return new RunResult(dir, data, error);
    }

    private LocalCluster startCluster(Path dir, NetFilter net) {
        IntFunction<List<String>> prefix = node -> processPrefix(net == null ? List.of() : net.processPrefix().apply(node),
                o.agentJavaOptions());
        LocalCluster.Options options = LocalCluster.options().name("chaos").dir(dir.resolve("cluster")).proxies(true)
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
            copyLogs(dir, cluster);
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
        clients.start();
        Ticker ticker = new Ticker(recorder, clients, t0);
        List<ClusterNemesis.Effect> open = new ArrayList<>();
        for (Fault f : schedule.faults()) {
            ticker.waitUntil(t0 + f.startMs() * 1_000_000);
            if (recorder.now() + f.durationMs() * 1_000_000 > end) {
                progress.line("nemesis: fault #" + f.id() + " " + f.kind().cliName() + " not started: healing the earlier"
                        + " faults took so long that it would outlast the workload");
                continue;
            }
            long startedAt = recorder.now();
            ClusterNemesis.Effect effect = startFault(recorder, nemesis, f);
            if (effect != null) {
                open.add(effect);
                // a fault started late (an earlier heal took long) still lasts its whole duration
                ticker.waitUntil(Math.max(t0 + f.endMs() * 1_000_000, startedAt + f.durationMs() * 1_000_000));
                if (stopFault(recorder, nemesis, effect)) {
                    open.remove(effect);
                }
            }
        }
        ticker.waitUntil(end);
        clients.stop();
        if (!clients.await(Duration.ofSeconds(20))) {
            progress.line("workload: a client is still busy 20 s after the time limit; its operation stays open (info)");
        }
        progress.line("workload: ended with " + clients.ok() + " ok, " + clients.failed() + " fail, " + clients.unknown()
                + " info");
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

    private ClusterNemesis.Effect startFault(HistoryRecorder recorder, ClusterNemesis nemesis, Fault f) {
        Op inv = recorder.invoke(Op.NEMESIS, f.kind().cliName(), Json.object().put("fault", f.id()).put("phase", "start"), -1);
        try {
            ClusterNemesis.Effect e = nemesis.start(f);
            recorder.complete(inv, e.applied() ? OpType.OK : OpType.FAIL, nemesisValue(f, "start", e.what(), e.nodes()),
                    -1, -1, e.applied() ? "" : e.what());
            progress.line("nemesis: fault #" + f.id() + " " + f.kind().cliName() + ": " + e.what());
            return e;
        } catch (RuntimeException ex) {
            recorder.complete(inv, OpType.INFO, nemesisValue(f, "start", "failed: " + ex.getMessage(), List.of()), -1, -1,
                    String.valueOf(ex.getMessage()));
            progress.line("nemesis: fault #" + f.id() + " " + f.kind().cliName() + " failed: " + ex.getMessage());
            return null;
        }
    }

    private boolean stopFault(HistoryRecorder recorder, ClusterNemesis nemesis, ClusterNemesis.Effect e) {
        Fault f = e.fault();
        Op inv = recorder.invoke(Op.NEMESIS, f.kind().cliName(), Json.object().put("fault", f.id()).put("phase", "stop"), -1);
        try {
            String done = nemesis.stop(e);
            recorder.complete(inv, OpType.OK, nemesisValue(f, "stop", done, e.nodes()), -1, -1, "");
            progress.line("nemesis: fault #" + f.id() + " healed: " + done);
            return true;
        } catch (RuntimeException ex) {
            recorder.complete(inv, OpType.INFO, nemesisValue(f, "stop", "failed: " + ex.getMessage(), e.nodes()), -1, -1,
                    String.valueOf(ex.getMessage()));
            progress.line("nemesis: heal of fault #" + f.id() + " failed: " + ex.getMessage() + " (the final heal retries)");
            return false;
        }
    }

    private static JsonNode nemesisValue(Fault f, String phase, String what, java.util.Collection<Integer> nodes) {
        var v = Json.object().put("fault", f.id()).put("phase", phase).put("what", what);
        v.set("nodes", Json.tree(List.copyOf(nodes)));
        return v;
    }

    /** Waits for history times while printing a line about the clients every 10 s. */
    private final class Ticker {
        private final HistoryRecorder recorder;
        private final Clients clients;
        private long nextTick;
        private long lastOk;

        Ticker(HistoryRecorder recorder, Clients clients, long t0) {
            this.recorder = recorder;
            this.clients = clients;
            this.nextTick = t0 + TICK_NS;
        }

        void waitUntil(long timeNs) {
            while (recorder.now() < timeNs) {
                long until = Math.min(timeNs, nextTick);
                long wait = until - recorder.now();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait); // the schedule's own waits
                }
                if (recorder.now() >= nextTick) {
                    long ok = clients.ok();
                    progress.line(String.format("clients: %d ok (+%d in the last 10 s), %d fail, %d info", ok, ok - lastOk,
                            clients.failed(), clients.unknown()));
                    lastOk = ok;
                    nextTick += TICK_NS;
                }
            }
        }
    }

    /** An operation of the control process (setup, final read), tried through each proxy in turn until it succeeds. */
    private void control(HistoryRecorder recorder, Endpoints endpoints, String f, SqlCall call) {
        long deadline = System.nanoTime() + CONTROL_TIMEOUT.toNanos();
        int attempt = 0;
        while (true) {
            Endpoints.Endpoint ep = endpoints.proxies().get(attempt++ % endpoints.proxies().size());
            Op inv = recorder.invoke(Op.CONTROL, f, null, ep.node());
            try (Connection c = DriverManager.getConnection(ep.jdbcUrl(), Endpoints.jdbcProperties("chaos-control"))) {
                JsonNode value = call.apply(c);
                int port;
                try (var rs = c.createStatement().executeQuery("select inet_server_port()")) {
                    rs.next();
                    port = rs.getInt(1);
                }
                recorder.complete(inv, OpType.OK, value, endpoints.nodeOfPort(port), -1, "");
                progress.line("control: " + f + " done through " + ep);
                return;
            } catch (SQLException e) {
                recorder.complete(inv, OpType.INFO, null, -1, -1, e.getSQLState() + " " + e.getMessage());
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(f + " failed through every proxy for " + CONTROL_TIMEOUT.toSeconds()
                            + " s; last error: " + e.getMessage());
                }
                pauseBriefly();
            }
        }
    }

    @FunctionalInterface
    private interface SqlCall {
        JsonNode apply(Connection c) throws SQLException;
    }

    private static void pauseBriefly() {
        try {
            Thread.sleep(500); // retry pace of the control process
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** If the JVM is ended (Ctrl-C, SIGTERM) during the run, the cluster and the network faults go with it. */
    private Thread stopOnExit(Path dir, LocalCluster cluster, NetFilter net) {
        Thread hook = new Thread(() -> {
            progress.line("interrupted: stopping the cluster and removing the network faults");
            cluster.close();
            copyLogs(dir, cluster);
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
                    copyLogs(dir, cluster);
                    if (!o.keepCluster()) {
                        deleteTree(dir.resolve("cluster"));
                    }
                }
            } finally {
                if (net != null) {
                    net.close(); // even when stopping the cluster failed: no rule outlives the run
                }
            }
        }
    }

    /** The agents', proxies' and PostgreSQL servers' logs into {@code dir/logs}. */
    static void copyLogs(Path dir, LocalCluster cluster) {
        Path logs = dir.resolve("logs");
        try {
            Files.createDirectories(logs);
            try (Stream<Path> files = Files.list(cluster.dir().resolve("logs"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, logs.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (NodeConfig n : cluster.config().postgresNodes()) {
                Path log = cluster.postgres(n.id()).settings().logFile();
                if (Files.exists(log)) {
                    Files.copy(log, logs.resolve("postgresql-node" + n.id() + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the cluster's logs to " + logs + ": " + e.getMessage(), e);
        }
    }

    private static void prepareDir(Path dir) {
        if (Files.exists(dir.resolve("history.jsonl")) || Files.exists(dir.resolve("cluster"))) {
            throw new IllegalArgumentException("--dir: " + dir + " holds an earlier run (history.jsonl or cluster/);"
                    + " choose a new directory or remove that one");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Object> runInfo(String runId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", o.workload());
        m.put("nemesis", o.nemesis().text());
        m.put("nodes", o.nodes() + " (" + (o.nodes() - 1) + " PostgreSQL servers and a witness)");
        m.put("time_limit_s", o.timeLimit().toSeconds());
        m.put("seed", o.seed());
        m.put("clients", o.concurrency() + " at " + o.rate() + " operations/s in all"
                + (o.pinnedClients() ? ", each pinned to its own proxy" : ""));
        m.put("faults", "last " + o.faultDuration().toSeconds() + " s, " + o.faultInterval().toSeconds()
                + " s apart, first after " + o.warmup().toSeconds() + " s");
        m.put("replication", o.syncReplication() ? "sync" : "async");
        if (!o.config().isEmpty()) {
            m.put("config", o.config());
        }
        if (!o.agentJavaOptions().isEmpty()) {
            m.put("agent_java_options", o.agentJavaOptions());
        }
        m.put("run_id", runId);
        m.put("started", Instant.now().toString());
        m.put("repeat", o.commandLine());
        return m;
    }

    static Map<String, Object> scheduleJson(Schedule s) {
        List<Map<String, Object>> faults = new ArrayList<>();
        for (Fault f : s.faults()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", f.id());
            m.put("kind", f.kind().cliName());
            m.put("start_ms", f.startMs());
            m.put("duration_ms", f.durationMs());
            m.put("seed", f.seed());
            faults.add(m);
        }
        return Map.of("faults", faults);
    }

    static List<Map<String, Object>> eventsJson(List<Event> events) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Event e : events) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", e.getSeq());
            m.put("at", Instant.ofEpochMilli(e.getAtMs()).toString());
            m.put("at_ms", e.getAtMs());
            m.put("kind", e.getKind());
            m.put("node_id", e.getNodeId());
            m.put("epoch", e.getEpoch());
            m.put("message", e.getMessage());
            if (e.getDurationMs() > 0) {
                m.put("duration_ms", e.getDurationMs());
            }
            list.add(m);
        }
        return list;
    }

    /** A marker for every primary that became active after the first one seen. */
    static List<Marker> markers(List<EventCollector.PrimaryChange> changes) {
        List<Marker> markers = new ArrayList<>();
        for (int i = 1; i < changes.size(); i++) {
            EventCollector.PrimaryChange c = changes.get(i);
            if (c.phase().equals(PrimaryPhase.ACTIVE.name())) {
                markers.add(new Marker(c.timeNs() / 1e9, "node " + c.node() + " primary (epoch " + c.epoch() + ")"));
            }
        }
        return markers;
    }

    private static List<String> files(Path dir) {
        List<String> names = new ArrayList<>(List.of("summary.txt", "summary.json", "history.jsonl", "events.json",
                "schedule.json"));
        try (Stream<Path> logs = Files.exists(dir.resolve("logs")) ? Files.list(dir.resolve("logs")) : Stream.empty()) {
            logs.map(p -> "logs/" + p.getFileName()).sorted().forEach(names::add);
        } catch (IOException e) {
            names.add("logs/");
        }
        return names;
    }

    private static void writeText(Path file, String text) {
        try {
            Files.writeString(file, text + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root + ": " + e.getMessage(), e);
        }
    }
}
