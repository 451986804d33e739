package io.raftpool.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.history.Histories;
import io.raftpool.chaos.history.Json;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SinglePrimaryCheckerTest {
    private static final SinglePrimaryChecker CHECK = new SinglePrimaryChecker(Set.of("write"));

    /** Node 0 on timeline 1 until 95 ms, a failover, node 1 on timeline 2 acknowledging from 210 ms. */
    private static Histories cleanFailover() {
        return Histories.builder()
                .write(0, "write", 1, 0, 10, 0, 1)
                .write(1, "write", 2, 50, 95, 0, 1)
                .fault(1, "kill-primary", 100, 300)
                .write(2, "write", 3, 150, 210, 1, 2)   // invoked during the failover, taken by the new primary
                .write(3, "write", 4, 220, 230, 1, 2);
    }

    @Test
    void aCleanFailoverIsValid() {
        Verdict v = CHECK.check(cleanFailover().build());
        assertThat(v.validity()).isEqualTo(Validity.VALID);
        assertThat(v.details()).containsEntry("acknowledged_writes", 4).containsEntry("anomalies", 0);
        assertThat(v.details().get("writers").toString()).contains("server=0, timeline=1, writes=2",
                "server=1, timeline=2, writes=2");
    }

    @Test
    void writesOfTwoServersThatWereOnlyInFlightTogetherAreNoProof() {
        // node 0's write began at 205, before node 1's first acknowledgement at 210: it may have committed first
        Verdict v = CHECK.check(cleanFailover().write(4, "write", 5, 205, 240, 0, 1).build());
        assertThat(v.validity()).isEqualTo(Validity.VALID);
    }

    @Test
    void theOldPrimaryTakingAWriteAgainAfterTheNewOneAcknowledgedIsASplitBrain() {
        // node 0, then node 1 (acknowledged at 210 ms), then node 0 again (began at 250 ms)
        Verdict v = CHECK.check(cleanFailover().write(4, "write", 5, 250, 260, 0, 1).build());
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString()
                .startsWith("split-brain: node 0 (timeline 1) and node 1 (timeline 2) took writes in overlapping intervals")
                .contains("node 1 (timeline 2) acknowledged op 9 at 0.210 s before node 0 (timeline 1)'s op 12",
                        "began at 0.250 s");
        assertThat(v.details()).containsEntry("anomalies", 1);
    }

    @Test
    void aServerOnAnOlderTimelineWritingAfterANewerOneIsAStaleWrite() {
        Verdict v = CHECK.check(Histories.builder()
                .write(0, "write", 1, 0, 10, 1, 2)     // the new primary
                .write(1, "write", 2, 20, 30, 0, 1)    // the old one, writable again
                .build());
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString()
                .startsWith("stale write: node 0 (timeline 1) took a write after node 1 (timeline 2) on a newer timeline")
                .contains("at 0.010 s", "began at 0.020 s");
    }

    @Test
    void twoServersTakingWritesInTurnIsASplitBrain() {
        Verdict v = CHECK.check(cleanFailover().write(4, "write", 5, 250, 260, 0, 1).write(5, "write", 6, 270, 280, 1, 2)
                .build());
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString().startsWith("split-brain: node 0 (timeline 1) and node 1 (timeline 2)");
    }

    @Test
    void aSplitBrainOnTheSameTimelineNumberIsFoundToo() {
        // both standbys promoted from timeline 1 pick timeline 2: the numbers match, the servers do not
        Verdict v = CHECK.check(Histories.builder()
                .write(0, "write", 1, 0, 10, 1, 2).write(1, "write", 2, 20, 30, 2, 2)
                .write(0, "write", 3, 40, 50, 1, 2).write(1, "write", 4, 60, 70, 2, 2).build());
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString().contains("split-brain", "node 1 (timeline 2)", "node 2 (timeline 2)");
    }

    @Test
    void aLaterServerOnTheSameTimelineNumberAfterTheFirstStoppedIsValid() {
        // node 1 promoted to timeline 2 and died; node 2, which never saw it, promoted to timeline 2 as well
        Verdict v = CHECK.check(Histories.builder()
                .write(0, "write", 1, 0, 10, 1, 2).write(1, "write", 2, 500, 510, 2, 2).build());
        assertThat(v.validity()).isEqualTo(Validity.VALID);
    }

    @Test
    void otherOperationsAndWritesWithoutServerAreNotJudged() {
        Verdict v = CHECK.check(Histories.builder()
                .invoke(0, "read", null, 0).ok(0, "read", null, 5, 0, 1)
                .invoke(1, "write", Json.of(1), 10).ok(1, "write", Json.of(1), 20, -1, -1).build());
        assertThat(v.validity()).isEqualTo(Validity.UNKNOWN);
        assertThat(CHECK.check(Histories.builder().build()).validity()).isEqualTo(Validity.UNKNOWN);
    }
}
