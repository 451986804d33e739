package io.raftpool.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.SwitchoverRequest;
import io.raftpool.proto.WatchRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Values no admin request may carry, refused with the range that is allowed. */
class RequestLimitsTest {

    @ParameterizedTest(name = "node {0}, timeout {1}")
    @CsvSource(delimiter = '|', value = {
        "-1|0|node_id -1 is out of range; allowed: 0 to 9999 (the id of a node in the config)",
        "10000|0|node_id 10000 is out of range; allowed: 0 to 9999 (the id of a node in the config)",
        "1|-5|timeout_ms -5 is out of range; allowed: 0 (the default, 30 s) to 3600000 (1 h)",
        "1|3600001|timeout_ms 3600001 is out of range; allowed: 0 (the default, 30 s) to 3600000 (1 h)",
        "1|9223372036854775807|timeout_ms 9223372036854775807 is out of range; allowed: 0 (the default, 30 s) to"
                + " 3600000 (1 h)",
        "0|0|", "9999|3600000|", "42|1|"})
    void nodeRequests(int node, long timeout, String problem) {
        NodeRequest r = NodeRequest.newBuilder().setNodeId(node).setTimeoutMs(timeout).build();

        assertThat(RequestLimits.check(r).orElse(null)).isEqualTo(problem);
    }

    @ParameterizedTest(name = "target {0}")
    @CsvSource(delimiter = '|', value = {
        "-2|target -2 is out of range; allowed: -1 (the best standby) or 0 to 9999 (the id of a node in the config)",
        "10000|target 10000 is out of range; allowed: -1 (the best standby) or 0 to 9999 (the id of a node in the"
                + " config)",
        "-1|", "3|"})
    void switchovers(int target, String problem) {
        assertThat(RequestLimits.check(SwitchoverRequest.newBuilder().setTarget(target).build()).orElse(null))
                .isEqualTo(problem);
    }

    @ParameterizedTest(name = "heartbeat {0}")
    @CsvSource(delimiter = '|', value = {
        "-1|heartbeat_ms -1 is out of range; allowed: 0 (the agent's default) to 60000",
        "60001|heartbeat_ms 60001 is out of range; allowed: 0 (the agent's default) to 60000",
        "0|", "200|"})
    void watches(long heartbeat, String problem) {
        assertThat(RequestLimits.check(WatchRequest.newBuilder().setHeartbeatMs(heartbeat).build()).orElse(null))
                .isEqualTo(problem);
    }

    @org.junit.jupiter.api.Test
    void notesAreOneLineOfAtMost200Characters() {
        assertThat(RequestLimits.check(io.raftpool.proto.NoteRequest.newBuilder().setText("maintenance of pgsql2 starts").build()))
                .isEmpty();
        assertThat(RequestLimits.check(io.raftpool.proto.NoteRequest.newBuilder().setText("  ").build()).orElseThrow())
                .isEqualTo("the note is empty; allowed: one line of 1 to 200 characters");
        assertThat(RequestLimits.check(io.raftpool.proto.NoteRequest.newBuilder().setText("x".repeat(201)).build()).orElseThrow())
                .startsWith("the note is 201 characters long");
        assertThat(RequestLimits.check(io.raftpool.proto.NoteRequest.newBuilder().setText("a\nb").build()).orElseThrow())
                .startsWith("the note is more than one line");
    }
}
