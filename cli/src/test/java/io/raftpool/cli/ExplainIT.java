package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.PrimaryPhase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * raftpool explain on a live cluster (issue 22): healthy, then the whole primary node lost, when
 * the leader must wait out the fence window before promoting: explain says so and until when,
 * the history gets one "deferred" event, and the failover follows.
 */
class ExplainIT {
    private static final Duration START = Duration.ofSeconds(120);

    @Test
    void explainSaysWhyAFailoverWaitsDuringTheFenceWindow() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("cliexplain")
                .set("failover", "fence_timeout", "8s"))) {
            cluster.awaitHealthy(START);
            Path cwd = cluster.dir();
            String config = cluster.configPath().toString();

            String healthy = run(cwd, "--config", config, "explain");
            assertThat(healthy).startsWith("the primary node 0 is healthy: no failover").contains("candidate")
                    .containsPattern("pgsql2.*\\| yes .*may be promoted");

            cluster.agent(0).kill();
            cluster.postgres(0).kill();
            AtomicReference<JsonNode> held = new AtomicReference<>();
            cluster.awaitState("explain says the fence window holds the failover back", START, st -> {
                JsonNode e = json(cwd, config);
                held.set(e);
                return e.get("state").asText().equals("held_back") && e.get("verdict").asText().contains("fence window");
            });
            assertThat(held.get().get("held_until_ms").asLong()).isPositive();
            assertThat(held.get().get("candidates").get(0).get("eligible").asBoolean()).isTrue();

            cluster.awaitState("node 1 promoted", START, st -> st.getPrimary().getNodeId() == 1
                    && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
            assertThat(cluster.state().orElseThrow().getEventsList()).filteredOn(e -> e.getKind().equals("deferred"))
                    .singleElement().satisfies(e -> assertThat(e.getMessage()).startsWith("failover deferred for")
                            .contains("held back by the fence window"));
            assertThat(run(cwd, "--config", config, "explain")).startsWith("the primary node 1 is healthy");
        }
    }

    private static JsonNode json(Path cwd, String config) {
        try {
            return new ObjectMapper().readTree(run(cwd, "--config", config, "explain", "--json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String run(Path cwd, String... args) {
        CliRun.Result r = CliRun.run(cwd, args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }
}
