package io.raftpool.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.history.CommittedEvent;
import io.raftpool.chaos.history.Histories;
import io.raftpool.chaos.history.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The outage a proxy committed against what its clients recorded (every write here goes through node 0's proxy). */
class OutageAgreementCheckerTest {
    /** Node 0 primary; the failover to node 1 begins at 100 ms and is done at 300 ms. */
    private static Optional<List<CommittedEvent>> failoverWithOutage(double startMs, long durationMs) {
        List<CommittedEvent> events = new ArrayList<>(new OverlapCheckerTest.Events().init(0, 0).failoverBegins(100, 1, 0, 2)
                .promoted(300, "failover", 1, 2).build().orElseThrow());
        events.add(new CommittedEvent(events.size() + 1, Histories.wallMs(400), "outage", 0, 2, "write clients of the proxy"
                + " on node 0 could not write", Histories.wallMs(startMs), durationMs));
        return Optional.of(events);
    }

    /** A write acknowledged by node 0 at 20 ms, one lost with node 0 (invoked at 50 ms), one held and acknowledged by node 1 at 320 ms. */
    private static Histories clients() {
        return Histories.builder()
                .write(0, "add", 1, 10, 20, 0, 1)
                .invoke(1, "add", Json.of(2), 50).fail(1, "add", Json.of(2), 120, "08006 connection lost")
                .write(2, "add", 3, 130, 320, 1, 2);
    }

    private static Verdict check(Histories h, Optional<List<CommittedEvent>> events) {
        return new OutageAgreementChecker(Set.of("add"), events).check(h.build());
    }

    @Test
    void anOutageFromTheFirstLostWriteToTheRouteBeforeTheFirstWriteOnTheNewPrimaryAgrees() {
        Verdict v = check(clients(), failoverWithOutage(50, 260));
        assertThat(v.validity()).isEqualTo(Validity.VALID);
        assertThat(v.details()).containsEntry("compared", 1);
        assertThat(v.details().get("per_outage").toString()).contains("start_minus_first_failed_ms=0",
                "first_new_ack_minus_end_ms=10");
    }

    /** A partitioned primary's sessions hang: a proxy that counts only from their cut misses the start. */
    @Test
    void anOutageThatBeganLongAfterAClientsWriteWasLostIsInvalid() {
        Verdict v = check(clients(), failoverWithOutage(250, 60));
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString().contains("proxy on node 0", "epoch 2",
                "began 200 ms after a write through it failed or waited");
    }

    @Test
    void anOutageCountedWhileTheOldPrimaryStillAcknowledgedWritesIsInvalid() {
        Verdict v = check(clients().write(3, "add", 4, 60, 200, 0, 1), failoverWithOutage(50, 260));
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString().contains("began 150 ms before a write through it was"
                + " acknowledged by the old primary");
    }

    @Test
    void anOutageThatEndedLongAfterClientsWroteOnTheNewPrimaryIsInvalid() {
        Verdict v = check(clients(), failoverWithOutage(50, 400));
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString().contains("ended 130 ms after a write through it was"
                + " acknowledged by the new primary");
    }

    @Test
    void withinTheBoundAndWithoutEventsNothingIsJudged() {
        assertThat(check(clients(), failoverWithOutage(130, 180)).validity()).as("80 ms late").isEqualTo(Validity.VALID);
        Verdict none = check(clients(), Optional.empty());
        assertThat(none.validity()).isEqualTo(Validity.VALID);
        assertThat(none.details()).containsEntry("compared", 0);
    }

    /**
     * Node 1 primary again at epoch 4: writes lost at the epoch 2 failover, before epoch 3's
     * promotion began, belong to another outage and do not count against the epoch 4 one.
     */
    @Test
    void onlyWritesSinceThePreviousPromotionBeganCount() {
        List<CommittedEvent> events = new ArrayList<>(new OverlapCheckerTest.Events().init(0, 0).failoverBegins(100, 1, 0, 2)
                .promoted(300, "failover", 1, 2).failoverBegins(1000, 0, 1, 3).promoted(1200, "failover", 0, 3)
                .failoverBegins(2000, 1, 0, 4).promoted(2200, "failover", 1, 4).build().orElseThrow());
        events.add(new CommittedEvent(events.size() + 1, Histories.wallMs(400), "outage", 0, 2, "", Histories.wallMs(50), 260));
        events.add(new CommittedEvent(events.size() + 1, Histories.wallMs(2300), "outage", 0, 4, "", Histories.wallMs(1950),
                280));
        Histories writes = clients().invoke(4, "add", Json.of(5), 1960).fail(4, "add", Json.of(5), 1970, "08006 lost")
                .write(5, "add", 6, 1980, 2240, 1, 4);
        Verdict v = check(writes, Optional.of(events));
        assertThat(v.validity()).isEqualTo(Validity.VALID);
        assertThat(v.details()).containsEntry("compared", 2);
    }
}
