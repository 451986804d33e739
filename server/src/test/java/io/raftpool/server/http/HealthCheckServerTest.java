package io.raftpool.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class HealthCheckServerTest {
    @Test
    void theBodyIsOneLineOfJsonWhateverTheReasonHolds() throws Exception {
        String body = HealthCheckServer.json(new HealthChecks.Answer(503, "primary", "the \"primary\" is\\ node 1\n"),
                0, "pgsql1");

        assertThat(body).endsWith("}\n").doesNotContain("\n}");
        JsonNode json = new ObjectMapper().readTree(body);
        assertThat(json.get("check").asText()).isEqualTo("primary");
        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(json.get("node_id").asInt()).isZero();
        assertThat(json.get("reason").asText()).isEqualTo("the \"primary\" is\\ node 1\n");
    }

    @Test
    void queriesAreDecoded() {
        assertThat(HealthCheckServer.query("lag=16%20MB&x")).containsEntry("lag", "16 MB").containsEntry("x", "");
        assertThat(HealthCheckServer.query(null)).isEmpty();
    }
}
