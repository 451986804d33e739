package io.raftpool.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.history.Histories;
import io.raftpool.chaos.history.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AvailabilityCheckerTest {
    private static final AvailabilityChecker CHECK = new AvailabilityChecker(Set.of("add"));

    @Test
    void theLongestStretchWithoutAnAcknowledgedWriteAfterEachFaultIsMeasured() {
        Histories h = Histories.builder();
        long id = 0;
        for (double t = 0; t < 1000; t += 10) { // a write every 10 ms ...
            h.write(0, "add", id++, t, t + 1, 0, 1);
        }
        h.fault(1, "kill-primary", 1005, 1500);
        for (double t = 3000; t < 4000; t += 10) { // ... none from 991 ms until 3001 ms
            h.write(0, "add", id++, t, t + 1, 1, 2);
        }
        h.fault(2, "kill-standby", 4005, 4500);
        for (double t = 4010; t < 5000; t += 10) { // ... undisturbed
            h.write(0, "add", id++, t, t + 1, 1, 2);
        }
        Verdict v = CHECK.check(h.build());
        assertThat(v.validity()).isEqualTo(Validity.VALID);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) v.details().get("per_fault");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsEntry("kind", "kill-primary").containsEntry("writes_impossible_ms", 2010L);
        assertThat(rows.get(1)).containsEntry("writes_impossible_ms", 20L); // the ordinary gap between two writes
        assertThat(v.details().get("per_kind_ms").toString()).contains("kill-primary", "kill-standby");
    }

    @Test
    void writesThatNeverCameBackAreAWarning() {
        Verdict v = CHECK.check(Histories.builder().write(0, "add", 1, 0, 5, 0, 1).fault(1, "kill-node", 10, 50)
                .invoke(1, "add", Json.of(2), 100).fail(1, "add", Json.of(2), 2000, "no primary").build());
        assertThat(v.warnings()).singleElement().asString().contains("fault #1 kill-node", "no write was acknowledged");
    }

    @Test
    void writesOfDirectClientsDoNotHideAnOutageBehindTheProxies() {
        // the old primary goes on taking a direct session's writes while no proxy client can write
        Verdict v = CHECK.check(Histories.builder().write(0, "add", 1, 0, 5, 0, 1).fault(1, "hang-postmaster", 10, 50)
                .directWrite(1_000_000, "add", 2, 20, 21, 0, 1).directWrite(1_000_000, "add", 3, 900, 901, 0, 1)
                .write(0, "add", 4, 1000, 1005, 1, 2).build());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) v.details().get("per_fault");
        assertThat(rows.get(0)).containsEntry("writes_impossible_ms", 1000L);
    }

    @Test
    void withoutAcknowledgedWritesThereIsNothingToMeasure() {
        assertThat(CHECK.check(Histories.builder().build()).validity()).isEqualTo(Validity.UNKNOWN);
    }
}
