package io.raftpool.cli.render;

import static io.raftpool.cli.render.PoolNodesViewTest.lines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.proto.Event;
import io.raftpool.testkit.FailoverScenario;
import java.io.IOException;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventsViewTest {

    @Test
    void theLatestEventsComeOldestFirst() {
        assertThat(EventsView.latest(FailoverScenario.afterFailover(), 2)).extracting(Event::getSeq).containsExactly(3L, 4L);
        assertThat(EventsView.latest(FailoverScenario.afterFailover(), 100)).extracting(Event::getSeq)
                .containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aTableWithTimeKindNodeEpochMessageAndDuration() {
        assertThat(EventsView.text(FailoverScenario.afterFailover(), 3, ZoneOffset.UTC)).isEqualTo(lines(
                " seq |        time         |   kind   | node | epoch |                      message                      | duration",
                "-----+---------------------+----------+------+-------+---------------------------------------------------+----------",
                "   2 | 2025-11-26 01:05:05 | status   |    0 |     1 | node 0 down: unreachable from nodes 1 and 2       |",
                "   3 | 2025-11-26 01:05:05 | failover |    1 |     2 | promoting node 1 (pgsql2): primary node 0 is down |",
                "   4 | 2025-11-26 01:05:07 | promote  |    1 |     2 | node 1 (pgsql2) is primary at epoch 2             |    1.25s",
                "(3 rows)"));
    }

    @Test
    void theJsonHasOneObjectPerEvent() throws IOException {
        JsonNode events = new ObjectMapper().readTree(EventsView.json(FailoverScenario.afterFailover(), 4)).get("events");
        assertThat(events).hasSize(4);
        JsonNode leader = events.get(0);
        assertThat(leader.get("kind").asText()).isEqualTo("leader");
        assertThat(leader.get("duration_ms").isNull()).isTrue();
        JsonNode promote = events.get(3);
        assertThat(promote.get("seq").asLong()).isEqualTo(4);
        assertThat(promote.get("node_id").asInt()).isEqualTo(1);
        assertThat(promote.get("node_name").asText()).isEqualTo("pgsql2");
        assertThat(promote.get("epoch").asLong()).isEqualTo(2);
        assertThat(promote.get("duration_ms").asLong()).isEqualTo(1250);
        assertThat(promote.get("at").asText()).isEqualTo("2025-11-26T01:05:07.000Z");
    }
}
