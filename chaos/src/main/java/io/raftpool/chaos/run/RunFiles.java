package io.raftpool.chaos.run;

import io.raftpool.chaos.history.CommittedEvent;
import io.raftpool.chaos.nemesis.Fault;
import io.raftpool.chaos.nemesis.Schedule;
import io.raftpool.chaos.report.Marker;
import io.raftpool.config.NodeConfig;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.Event;
import io.raftpool.proto.PrimaryPhase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a run writes into its directory besides the history and the report: the directory made
 * empty, the run's description, schedule.json, events.json, the processes' logs, the list of
 * files; and the cluster's own directory removed when it is not to be kept.
 */
final class RunFiles {
    private RunFiles() {}

    static void prepareDir(Path dir) {
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

    static Map<String, Object> runInfo(ChaosOptions o, String runId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", o.workload());
        m.put("nemesis", o.nemesis().text());
        m.put("nodes", o.nodes() + " (" + (o.nodes() - 1) + " PostgreSQL servers and a witness)");
        m.put("time_limit_s", o.timeLimit().toSeconds());
        m.put("seed", o.seed());
        m.put("clients", o.concurrency() + " at " + o.rate() + " operations/s in all"
                + (o.pinnedClients() ? ", each pinned to its own proxy" : "")
                + (o.directClients() ? "; and one direct client per PostgreSQL server" : ""));
        m.put("faults", "last " + o.faultDuration().toSeconds() + " s, " + o.faultInterval().toSeconds()
                + " s apart, first after " + o.warmup().toSeconds() + " s");
        m.put("replication", o.replicationMode());
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
            if (e.getStartedMs() > 0) {
                m.put("started_ms", e.getStartedMs());
            }
            list.add(m);
        }
        return list;
    }

    /** The committed events as the checkers read them (the same fields as events.json). */
    static List<CommittedEvent> committedEvents(List<Event> events) {
        return events.stream().map(e -> new CommittedEvent(e.getSeq(), e.getAtMs(), e.getKind(), e.getNodeId(),
                e.getEpoch(), e.getMessage(), e.getStartedMs(), e.getDurationMs())).toList();
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

    static List<String> files(Path dir) {
        List<String> names = new ArrayList<>(List.of("summary.txt", "summary.json", "history.jsonl", "events.json",
                "schedule.json"));
        try (Stream<Path> logs = Files.exists(dir.resolve("logs")) ? Files.list(dir.resolve("logs")) : Stream.empty()) {
            logs.map(p -> "logs/" + p.getFileName()).sorted().forEach(names::add);
        } catch (IOException e) {
            names.add("logs/");
        }
        return names;
    }

    static void writeText(Path file, String text) {
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
