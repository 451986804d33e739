package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node processes' log formats: text by default, one JSON object per line with --log-format json. */
class LoggingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROPERTIES = List.of("raftpool.process", "raftpool.node", "raftpool.log.format",
            "raftpool.log.level");
    private final PrintStream originalErr = System.err;

    @AfterEach
    void restoreLogging() throws Exception {
        System.setErr(originalErr);
        PROPERTIES.forEach(System::clearProperty);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ch.qos.logback.classic.util.ContextInitializer(context).autoConfig();
    }

    @Test
    void jsonFormatWritesOneObjectPerLineWithTheNodeAndTheKeyValuePairs() throws Exception {
        ByteArrayOutputStream captured = capture();
        NodeProcessArgs.setUpLogging("agent 7", 7, LogFormat.JSON);

        Logger log = LoggerFactory.getLogger("io.raftpool.test.Events");
        log.atInfo().addKeyValue("epoch", 2L).addKeyValue("reason", "node 0: \"connection refused\"\nretrying")
                .log("failover of node {}", 0);
        log.warn("second line", new IllegalStateException("boom"));

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("io.raftpool.test.Events");
        assertThat(first.get("message").asText()).isEqualTo("failover of node 0");
        assertThat(first.get("process").asText()).isEqualTo("agent 7");
        assertThat(first.get("node").asInt()).isEqualTo(7);
        assertThat(first.get("epoch").isIntegralNumber()).isTrue();
        assertThat(first.get("epoch").asLong()).isEqualTo(2);
        assertThat(first.get("reason").asText()).isEqualTo("node 0: \"connection refused\"\nretrying");
        assertThat(first.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        JsonNode second = JSON.readTree(lines.get(1));
        assertThat(second.get("level").asText()).isEqualTo("WARN");
        assertThat(second.get("error").asText()).contains("java.lang.IllegalStateException: boom", "at io.raftpool");
    }

    @Test
    void textFormatWritesTheProcessOnEveryLine() {
        ByteArrayOutputStream captured = capture();
        NodeProcessArgs.setUpLogging("proxy 3", 3, LogFormat.TEXT);

        LoggerFactory.getLogger("io.raftpool.test.Proxy").info("started");

        assertThat(captured.toString(StandardCharsets.UTF_8))
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[proxy 3] Proxy: started\n");
    }

    @Test
    void aKeyValuePairNeverReplacesAFixedKey() throws Exception {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setProcess("agent 1");
        encoder.setNode("1");
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("io.raftpool.X"), Level.INFO, "hello", null, null);
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("node", 5));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("ok", true));

        JsonNode line = JSON.readTree(new String(encoder.encode(event), StandardCharsets.UTF_8));

        assertThat(line.get("node").asInt()).isEqualTo(1);
        assertThat(line.get("kv_node").asInt()).isEqualTo(5);
        assertThat(line.get("ok").asBoolean()).isTrue();
    }

    @Test
    void anUnknownFormatIsRefusedWithTheAllowedOnes() {
        assertThat(LogFormat.parse("json")).isEqualTo(LogFormat.JSON);
        assertThatThrownBy(() -> LogFormat.parse("JSON")).hasMessage("'JSON' is not a log format; allowed: text, json");
    }

    private ByteArrayOutputStream capture() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        return captured;
    }
}
