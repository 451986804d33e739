package io.raftpool.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.report.Marker;
import io.raftpool.proto.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunFilesTest {

    @Test
    void everyNewActivePrimaryIsMarkedButNotTheFirst() {
        List<Marker> m = RunFiles.markers(List.of(
                new EventCollector.PrimaryChange(0, 0, 0, 1, "ACTIVE"),
                new EventCollector.PrimaryChange(5_000_000_000L, 0, 1, 2, "PROMOTING"),
                new EventCollector.PrimaryChange(6_500_000_000L, 0, 1, 2, "ACTIVE")));
        assertThat(m).containsExactly(new Marker(6.5, "node 1 primary (epoch 2)"));
    }

    @Test
    void committedEventsAreWrittenWithReadableTimes() {
        var json = RunFiles.eventsJson(List.of(Event.newBuilder().setSeq(7).setAtMs(0).setKind("failover").setNodeId(1)
                .setEpoch(2).setMessage("node 1 is primary").setDurationMs(420).build()));
        assertThat(json).singleElement().satisfies(e -> assertThat(e).containsEntry("seq", 7L)
                .containsEntry("at", "1970-01-01T00:00:00Z").containsEntry("kind", "failover")
                .containsEntry("duration_ms", 420L));
    }
}
