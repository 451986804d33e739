package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.config.LogFormat;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.StopMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operations side of a real cluster during a failover: every agent's and proxy's metrics
 * endpoint serves the documented names with sane values (docs/metrics.md), and with
 * {@code --log-format json} every log line of every process is one JSON object, the committed
 * failover among them.
 */
class ObservabilityIT {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void metricsAndJsonLogsFollowAFailover() throws IOException {
        ClusterOptions options = LocalCluster.options().name("observe").proxies(true).metrics(true)
                .logFormat(LogFormat.JSON);
        try (LocalCluster cluster = LocalCluster.start(options)) {
            cluster.awaitHealthy(START);
            List<NodeConfig> nodes = cluster.config().nodes();
            await("every agent at epoch 1, one leader, probes counted").atMost(BUDGET).untilAsserted(() -> {
                List<Scrape> agents = nodes.stream().map(ObservabilityIT::agentMetrics).toList();
                assertThat(leaders(agents)).isEqualTo(1);
                for (Scrape s : agents) {
                    assertThat(s.require("raftpool_agent_epoch")).isEqualTo(1);
                    assertThat(s.require("raftpool_agent_primary_node")).isEqualTo(0);
                    assertThat(s.require("raftpool_agent_backend_status", "backend", "1", "status", "up")).isEqualTo(1);
                    assertThat(s.require("raftpool_agent_health_check_duration_seconds_count", "backend", "0"))
                            .isPositive();
                    assertThat(s.value("raftpool_agent_failovers_total", "kind", "failover")).isEmpty();
                    assertThat(s.require("raftpool_agent_raft_applied_index")).isPositive();
                    assertThat(s.require("raftpool_agent_majority_contact_age_seconds")).isBetween(0.0, 5.0);
                }
            });

            cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
            cluster.awaitState("node 1 promoted", BUDGET,
                    s -> s.getPrimary().getNodeId() == 1 && s.getPrimary().getPhase() == PrimaryPhase.ACTIVE);

            await("every agent saw the failover").atMost(BUDGET).untilAsserted(() -> {
                List<Scrape> agents = nodes.stream().map(ObservabilityIT::agentMetrics).toList();
                assertThat(leaders(agents)).isEqualTo(1);
                for (Scrape s : agents) {
                    assertThat(s.require("raftpool_agent_epoch")).isEqualTo(2);
                    assertThat(s.require("raftpool_agent_primary_node")).isEqualTo(1);
                    assertThat(s.require("raftpool_agent_failovers_total", "kind", "failover")).isEqualTo(1);
                    assertThat(s.require("raftpool_agent_failover_duration_seconds_count", "kind", "failover"))
                            .isEqualTo(1);
                    assertThat(s.require("raftpool_agent_failover_duration_seconds_sum", "kind", "failover"))
                            .isBetween(0.0, BUDGET.toSeconds() + 0.0);
                    assertThat(s.require("raftpool_agent_backend_status", "backend", "0", "status", "down")).isEqualTo(1);
                    assertThat(s.require("raftpool_agent_backend_role", "backend", "1", "role", "primary")).isEqualTo(1);
                    assertThat(s.require("raftpool_agent_health_check_failures_total", "backend", "0")).isPositive();
                    assertThat(s.all("raftpool_agent_backend_replication_lag_bytes"))
                            .allSatisfy(lag -> assertThat(lag.value()).isNotNegative());
                    assertThat(s.require("raftpool_agent_vip_held")).isZero(); // no VIP configured
                }
            });
            Set<String> documented = documentedNames();
            Set<String> agentNames = new TreeSet<>();
            nodes.forEach(n -> agentNames.addAll(agentMetrics(n).families()));
            assertThat(agentNames).as("every agent metric is documented in docs/metrics.md").isSubsetOf(documented);
            assertThat(agentNames).as("every documented agent metric is served")
                    .containsAll(documented.stream().filter(name -> name.startsWith("raftpool_agent_")).toList());
            await("every proxy follows epoch 2").atMost(BUDGET).untilAsserted(() -> {
                for (NodeConfig n : nodes) {
                    if (n.proxy().isPresent()) {
                        Scrape proxy = Scrape.of(n.host(), n.proxy().get().metricsPort());
                        assertThat(proxy.require("raftpool_proxy_epoch")).isEqualTo(2);
                        assertThat(proxy.families()).as("every proxy metric is documented").isSubsetOf(documented);
                    }
                }
            });

            for (NodeConfig n : nodes) {
                List<JsonNode> agentLines = jsonLines(cluster.agent(n.id()).log(), n.id());
                assertThat(agentLines).as("agent %d logged the committed failover", n.id())
                        .anySatisfy(line -> {
                            assertThat(line.path("event").asText()).isEqualTo("failover");
                            assertThat(line.path("epoch").asLong()).isEqualTo(2);
                            assertThat(line.path("event_node").asInt()).isEqualTo(1);
                            assertThat(line.path("reason").asText()).contains("primary at epoch 2");
                        });
                if (n.proxy().isPresent()) {
                    assertThat(jsonLines(cluster.proxy(n.id()).log(), n.id())).isNotEmpty();
                }
            }
        }
    }

    /** The metric names docs/metrics.md lists in its tables. */
    private static Set<String> documentedNames() throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("^\\| `(raftpool_[a-z_]+)` \\|", Pattern.MULTILINE)
                .matcher(Files.readString(Path.of("..", "docs", "metrics.md")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Scrape agentMetrics(NodeConfig n) {
        return Scrape.of(n.host(), n.metricsPort());
    }

    private static long leaders(List<Scrape> agents) {
        return agents.stream().filter(s -> s.require("raftpool_agent_raft_role", "role", "leader") == 1).count();
    }

    /** Every line of a process's log as JSON, each checked for the keys every line has. */
    private static List<JsonNode> jsonLines(Path log, int nodeId) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode json;
            try {
                json = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError(log + ": a line that is not JSON: " + line, e);
            }
            assertThat(json.isObject()).as(line).isTrue();
            for (String key : List.of("time", "level", "logger", "message", "process")) {
                assertThat(json.path(key).isTextual()).as(key + " in " + line).isTrue();
            }
            assertThat(json.path("node").asInt(-1)).as(line).isEqualTo(nodeId);
            lines.add(json);
        }
        assertThat(lines).as(log.toString()).isNotEmpty();
        return lines;
    }
}
