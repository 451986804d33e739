package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.harness.LocalCluster;
import io.raftpool.harness.SharedCluster;
import io.raftpool.server.postgres.StopMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code raftpool status} against a real cluster; with --watch it prints a new view when the primary fails. */
class StatusWatchIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void statusWatchRedrawsWhenTheClusterChanges() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        long epoch = cluster.awaitHealthy(START).getPrimary().getEpoch(); // the shared cluster's epoch: 1 or later
        String config = cluster.configPath().toString();
        CliRun.Result once = CliRun.run(cluster.dir(), "--config", config, "status");
        assertThat(once.exitCode()).as(once.err()).isZero();
        assertThat(once.out()).startsWith("cluster " + cluster.config().name() + ", primary: node 0 (pgsql1), epoch " + epoch + ", active since ")
                .contains("in contact with the majority", "latest events:");

        try (Watcher text = Watcher.start(cluster.dir(), "--config", config, "status", "--watch");
             Watcher json = Watcher.start(cluster.dir(), "--config", config, "status", "--watch", "--json")) {
            await("the first views").atMost(BUDGET).until(() -> text.out().contains("epoch " + epoch + ", active")
                    && json.lines().stream().anyMatch(l -> epoch(l) == epoch));

            cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);

            await("a view of the new primary").atMost(BUDGET).until(() ->
                    text.out().contains("primary: node 1 (pgsql2), epoch " + (epoch + 1) + ", active")
                            && json.lines().stream().anyMatch(l -> epoch(l) == epoch + 1 && active(l)));
            assertThat(text.stop()).isZero();
            assertThat(json.stop()).isZero();
            assertThat(text.err()).isEmpty();
            assertThat(text.out().split("raftpool status, ").length - 1).as(text.out()).isGreaterThanOrEqualTo(2);
            List<String> lines = json.lines();
            for (int i = 1; i < lines.size(); i++) {
                assertThat(lines.get(i)).as("only changes are printed").isNotEqualTo(lines.get(i - 1));
            }
            JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
            assertThat(last.get("nodes")).hasSize(2);
            assertThat(last.get("events").size()).isBetween(1, 5);
        }
    }

    private static long epoch(String line) {
        return read(line).get("primary").get("epoch").asLong();
    }

    private static boolean active(String line) {
        return read(line).get("primary").get("phase").asText().equals("active");
    }

    private static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("status --watch --json printed a line that is not JSON: " + line, e);
        }
    }

    /** One {@code raftpool} command line running in this JVM on its own thread, its output captured. */
    private static final class Watcher implements AutoCloseable {
        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();
        private final AtomicInteger exit = new AtomicInteger(-1);
        private final Thread thread;

        private Watcher(Path dir, String... args) {
            CliEnvironment env = new CliEnvironment(new PrintWriter(out), new PrintWriter(err), Map.of(), dir,
                    ZoneOffset.UTC);
            thread = new Thread(() -> exit.set(Main.run(args, env)), "status-watch");
        }

        static Watcher start(Path dir, String... args) {
            Watcher w = new Watcher(dir, args);
            w.thread.start();
            return w;
        }

        String out() {
            return out.toString();
        }

        String err() {
            return err.toString();
        }

        List<String> lines() {
            return new ArrayList<>(out().lines().toList());
        }

        /** Interrupts the command, as Ctrl-C would, and returns its exit code. */
        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(Duration.ofSeconds(10).toMillis());
            assertThat(thread.isAlive()).as("the command ended when interrupted").isFalse();
            return exit.get();
        }

        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                stop();
            }
        }
    }
}
