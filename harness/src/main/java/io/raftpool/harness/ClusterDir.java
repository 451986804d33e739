package io.raftpool.harness;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.server.postgres.ServerSettings;
import io.raftpool.server.watchdog.WatchdogFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The directory a local cluster lives in: made (a given one, or a new temporary one), its logs kept, removed. */
final class ClusterDir {
    private ClusterDir() {}

    /** {@code given} made absolute, or a new directory under /tmp when null; with its {@code logs} directory. */
    static Path prepare(Path given) {
        try {
            Path dir = given == null ? Files.createTempDirectory(Path.of("/tmp"), "raftpool-") : given.toAbsolutePath();
            Files.createDirectories(dir.resolve("logs"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster directory: " + e.getMessage(), e);
        }
    }

    /**
     * Copies the agents', proxies' and PostgreSQL servers' logs to target/cluster-logs/ of the
     * working directory, which outlives the cluster's temporary directory: what a failed test
     * (in CI too) leaves to look at. Returns where they are.
     */
    static Path keepLogs(Path dir, Path configPath, ClusterConfig config) {
        Path to = Path.of("target", "cluster-logs", dir.getFileName().toString()).toAbsolutePath();
        try {
            Files.createDirectories(to);
            try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
                for (Path p : logs.toList()) {
                    Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (NodeConfig n : config.postgresNodes()) {
                Path pgLog = ServerSettings.defaultLogFile(n.requirePostgres().dataDir());
                if (Files.exists(pgLog)) {
                    Files.copy(pgLog, to.resolve("postgres-" + n.id() + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
                Path watchdogLog = WatchdogFiles.under(n.agentDir()).log();
                if (Files.exists(watchdogLog)) {
                    Files.copy(watchdogLog, to.resolve("watchdog-" + n.id() + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.copy(configPath, to.resolve("raftpool.yaml"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            return dir.resolve("logs");
        }
        return to;
    }

    /**
     * The last warnings and errors of each agent's log, and its last line: what a failure message
     * carries to CI's output, where the kept logs cannot be read.
     */
    static String agentLogDigest(Path dir, int warningsPerAgent) {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
            for (Path p : logs.filter(f -> f.getFileName().toString().startsWith("agent-")).sorted().toList()) {
                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                List<String> warnings = lines.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")
                        || l.startsWith("Exception") || l.startsWith("Caused by")).toList();
                b.append("\n  ").append(p.getFileName()).append(" (").append(lines.size()).append(" lines):");
                warnings.subList(Math.max(0, warnings.size() - warningsPerAgent), warnings.size())
                        .forEach(l -> b.append("\n    ").append(shorten(l)));
                if (!lines.isEmpty()) {
                    b.append("\n    last: ").append(shorten(lines.get(lines.size() - 1)));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            b.append("\n  (agent logs unreadable: ").append(e.getMessage()).append(')');
        }
        return b.toString();
    }

    private static String shorten(String line) {
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }

    /** Removes {@code root} and everything under it, as far as it can. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file is not worth failing a run
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }
}
