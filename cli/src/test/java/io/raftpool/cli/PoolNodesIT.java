package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.harness.LocalCluster;
import io.raftpool.harness.SharedCluster;
import io.raftpool.server.postgres.StopMode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CLI's status commands against a real cluster, as a user following the scenario runs them. */
class PoolNodesIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration BUDGET = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void poolNodesJsonFollowsTheStandbyDownAndUpAgain() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(Duration.ofSeconds(120));
        String config = cluster.configPath().toString();
        Path cwd = cluster.dir();

        JsonNode servers = poolNodes(cwd, config);
        assertThat(servers.size()).isEqualTo(2);
        assertThat(field(servers, 0, "role")).isEqualTo("primary");
        assertThat(field(servers, 0, "status")).isEqualTo("up");
        assertThat(field(servers, 1, "role")).isEqualTo("standby");
        assertThat(field(servers, 1, "status")).isEqualTo("up");
        assertThat(field(servers, 0, "hostname")).isEqualTo("127.0.0.1");
        assertThat(servers.get(0).get("port").asInt())
                .isEqualTo(cluster.config().requireNode(0).requirePostgres().port());

        CliRun.Result table = CliRun.run(cwd, "pool-nodes", "--config", config);
        assertThat(table.exitCode()).isEqualTo(0);
        assertThat(table.out()).contains("node_id").contains("primary").contains("standby");
        CliRun.Result watchdog = CliRun.run(cwd, "watchdog-info", "--config", config);
        assertThat(watchdog.exitCode()).isEqualTo(0);
        assertThat(watchdog.out()).contains("quorum: present");

        cluster.postgres(1).stop(StopMode.IMMEDIATE, BUDGET);
        cluster.awaitState("node 1 down", BUDGET, st -> {
            try {
                return field(poolNodes(cwd, config), 1, "status").equals("down");
            } catch (Exception e) {
                return false;
            }
        });
        cluster.postgres(1).start(BUDGET);
        cluster.awaitState("node 1 up", BUDGET, st -> {
            try {
                return field(poolNodes(cwd, config), 1, "status").equals("up");
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static JsonNode poolNodes(Path cwd, String config) throws Exception {
        CliRun.Result r = CliRun.run(cwd, "pool-nodes", "--json", "--config", config);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        JsonNode root = JSON.readTree(r.out());
        return root.has("nodes") ? root.get("nodes") : root;
    }

    private static String field(JsonNode servers, int nodeId, String name) {
        for (JsonNode s : servers) {
            if (s.get("node_id").asInt() == nodeId) {
                return s.get(name).asText();
            }
        }
        throw new AssertionError("no node " + nodeId + " in " + servers);
    }
}
