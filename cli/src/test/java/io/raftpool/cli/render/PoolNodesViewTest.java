package io.raftpool.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.testkit.FailoverScenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PoolNodesViewTest {

    @Test
    void aHealthyClusterReadsLikeShowPoolNodes() {
        assertThat(PoolNodesView.text(FailoverScenario.view(FailoverScenario.healthy()), ZoneOffset.UTC)).isEqualTo(lines(
                " node_id | hostname  | port | status |  role   | timeline | replication_delay | replication_state | sync_state | last_status_change  |              reason",
                "---------+-----------+------+--------+---------+----------+-------------------+-------------------+------------+---------------------+-----------------------------------",
                "       0 | 10.0.0.11 | 5432 | up     | primary |        1 |                 0 |                   |            | 2025-11-26 00:05:03 | bootstrapped as the first primary",
                "       1 | 10.0.0.12 | 5432 | up     | standby |        1 |                96 | streaming         | async      | 2025-11-26 00:05:13 | streaming from node 0",
                "(2 rows)",
                "",
                "primary: node 0 (pgsql1), epoch 1, active since 2025-11-26 00:05:03",
                "as committed at agent 2 (witness): leader, term 3, applied index 57, 2025-11-26 01:05:13"));
    }

    @Test
    void afterAFailoverTheOldPrimaryIsDownAndTheEpochMovedOn() {
        String text = PoolNodesView.text(FailoverScenario.view(FailoverScenario.afterFailover()), ZoneOffset.UTC);
        assertThat(text)
                .contains("       0 | 10.0.0.11 | 5432 | down (needs recovery) | primary (old) |        1 |")
                .contains("| failed over: unreachable from nodes 1 and 2\n")
                .contains("       1 | 10.0.0.12 | 5432 | up                    | primary       |        2 |")
                .contains("\nprimary: node 1 (pgsql2), epoch 2, active since 2025-11-26 01:05:07\n")
                .doesNotContain("in progress");
    }

    @Test
    void anOperationInProgressAndTheDetachedFlagAreShown() {
        String text = PoolNodesView.text(FailoverScenario.view(FailoverScenario.duringRecovery()), ZoneOffset.UTC);
        assertThat(text)
                .contains("| recovering (detached, needs recovery) |")
                .contains("\nin progress: recovery of node 0 (pgsql1), epoch 2, step rewind since 2025-11-26 01:06:03:"
                        + " requested by an operator\n");
    }

    /** The example in docs/cli-json.md is this very output. */
    @Test
    void theJsonIsTheDocumentedExample() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "cli-json.md"));
        int start = doc.indexOf("```json\n") + "```json\n".length();
        String example = doc.substring(start, doc.indexOf("```", start));
        assertThat(PoolNodesView.json(FailoverScenario.view(FailoverScenario.healthy()))).isEqualTo(example);
    }

    @Test
    void theJsonMarksTheCurrentPrimaryAndTheFlags() throws IOException {
        JsonNode json = new ObjectMapper().readTree(PoolNodesView.json(FailoverScenario.view(FailoverScenario.duringRecovery())));
        JsonNode old = json.get("nodes").get(0);
        assertThat(old.get("node_id").asInt()).isZero();
        assertThat(old.get("status").asText()).isEqualTo("recovering");
        assertThat(old.get("role").asText()).isEqualTo("primary");
        assertThat(old.get("current_primary").asBoolean()).isFalse();
        assertThat(old.get("detached").asBoolean()).isTrue();
        assertThat(old.get("needs_recovery").asBoolean()).isTrue();
        assertThat(old.get("replication_delay").isNull()).isTrue();
        assertThat(json.get("nodes").get(1).get("current_primary").asBoolean()).isTrue();
        assertThat(json.get("primary").get("epoch").asLong()).isEqualTo(2);
        assertThat(json.get("operation").get("kind").asText()).isEqualTo("recovery");
        assertThat(json.get("operation").get("old_primary").isNull()).isTrue();
    }

    @Test
    void withoutAPrimaryTheLineSaysSoAndTheJsonHasNulls() throws IOException {
        var state = FailoverScenario.afterFailover().toBuilder()
                .setPrimary(io.raftpool.proto.Primary.newBuilder().setNodeId(-1).setEpoch(2)).build();
        assertThat(PoolNodesView.text(FailoverScenario.view(state), ZoneOffset.UTC)).contains("\nprimary: none (epoch 2)\n");
        JsonNode primary = new ObjectMapper().readTree(PoolNodesView.json(FailoverScenario.view(state))).get("primary");
        assertThat(primary.get("node_id").isNull()).isTrue();
        assertThat(primary.get("name").isNull()).isTrue();
        assertThat(primary.get("phase").asText()).isEqualTo("none");
    }

    /** Lines as printed: each ends with a newline. */
    static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }
}
