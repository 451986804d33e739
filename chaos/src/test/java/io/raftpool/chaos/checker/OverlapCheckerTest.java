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

class OverlapCheckerTest {
    private static final int DIRECT = 1_000_000;

    /** Events as the agents word them (server.state.Failovers, Transitions), at history time {@code ms}. */
    static final class Events {
        private final List<CommittedEvent> list = new ArrayList<>();

        Events add(double ms, String kind, int node, long epoch, String message) {
            list.add(new CommittedEvent(list.size() + 1, Histories.wallMs(ms), kind, node, epoch, message));
            return this;
        }

        Events init(double ms, int node) {
            return add(ms, "init", node, 1, "cluster initialised; node " + node + " bootstraps the first primary");
        }

        Events failoverBegins(double ms, int target, int old, long epoch) {
            return add(ms, "failover", target, epoch, "failover begins at epoch " + epoch + ": promoting node " + target
                    + " in place of node " + old + "; primary node " + old + " failed (2 agents cannot reach it)");
        }

        Events promoted(double ms, String kind, int node, long epoch) {
            return add(ms, kind, node, epoch, "node " + node + " is primary at epoch " + epoch + " (timeline " + epoch
                    + "); promotion took 200 ms, " + kind + " 900 ms since the failure was confirmed");
        }

        Events switchoverBegins(double ms, int target, int old, long epoch) {
            return add(ms, "switchover", target, epoch, "switchover begins at epoch " + epoch + ": promoting node "
                    + target + " in place of node " + old + "; requested by an operator");
        }

        Events stoppedCleanly(double ms, int old, int target, long epoch) {
            return add(ms, "switchover", old, epoch, "node " + old + " stopped cleanly at WAL 0/3000060; node " + target
                    + " promotes once it has received that much");
        }

        Optional<List<CommittedEvent>> build() {
            return Optional.of(List.copyOf(list));
        }
    }

    private static Verdict check(Histories h, Events e) {
        return new OverlapChecker(Set.of("add"), e.build()).check(h.build());
    }

    /** Node 0 primary from the start; the failover to node 1 begins at 100 ms and is done at 300 ms. */
    private static Events failover() {
        return new Events().init(0, 0).failoverBegins(100, 1, 0, 2).promoted(300, "failover", 1, 2);
    }

    @Test
    void aCommitOfTheOldPrimaryInvokedAfterTheFailoverBeganIsAnOverlap() {
        Verdict v = check(Histories.builder()
                .write(0, "add", 1, 10, 20, 0, 1)
                .directWrite(DIRECT, "add", 2, 150, 160, 0, 1)   // a session held open on node 0: S6 broken
                .write(1, "add", 3, 310, 320, 1, 2), failover());
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString().startsWith("node 0 acknowledged 1 write(s) invoked after node 1's"
                + " promotion began (epoch 2, failover begins at 0.100 s): op 2/3 add 2 direct (invoked 0.150 s,"
                + " acknowledged 0.160 s, timeline 1)");
        assertThat(v.details()).containsEntry("overlap_commits", 1).containsEntry("overlap_direct", 1L)
                .containsEntry("in_flight_across", 0);
    }

    @Test
    void aCleanFailoverIsNoOverlapAndWritesInFlightAcrossItAreOnlyAWarning() {
        Verdict v = check(Histories.builder()
                .write(0, "add", 1, 10, 20, 0, 1)
                .write(1, "add", 2, 90, 120, 0, 1)                       // may have committed before 100 ms
                .invoke(DIRECT, "add", Json.of(3), 150).fail(DIRECT, "add", Json.of(3), 151, "08001 refused")
                .write(2, "add", 4, 150, 310, 1, 2), failover());
        assertThat(v.validity()).isEqualTo(Validity.VALID);
        assertThat(v.reasons()).isEmpty();
        assertThat(v.warnings()).singleElement().asString().contains("node 0 acknowledged 1 write(s) in flight when node 1's",
                "op 2/3 add 2 via node 0's proxy", "may have committed just before it");
        assertThat(v.details()).containsEntry("overlap_commits", 0).containsEntry("in_flight_across", 1);
    }

    /** A proxy holds a connection opened during the failover and routes it to node 1 once promoted. */
    @Test
    void aWriteHeldAcrossItsOwnServersPromotionIsNoOverlap() {
        Verdict v = check(Histories.builder()
                .write(0, "add", 1, 10, 20, 0, 1)
                .write(1, "add", 2, 95, 310, 1, 2), failover());
        assertThat(v.validity()).isEqualTo(Validity.VALID);
        assertThat(v.reasons()).isEmpty();
        assertThat(v.warnings()).isEmpty();
        Verdict late = check(Histories.builder().write(1, "add", 2, 95, 1100, 1, 2),
                failover().switchoverBegins(1000, 0, 1, 3).stoppedCleanly(1050, 1, 0, 3));
        assertThat(late.warnings()).as("node 0's promotion began while it was in flight, after node 1's")
                .singleElement().asString().contains("node 1 acknowledged 1 write(s) in flight when node 0's");
    }

    @Test
    void aSwitchoversOldPrimaryMayCommitUntilItHasStoppedCleanlyButNotAfter() {
        Events switchover = new Events().init(0, 0).switchoverBegins(100, 1, 0, 2).stoppedCleanly(200, 0, 1, 2)
                .promoted(250, "switchover", 1, 2);
        assertThat(check(Histories.builder().write(0, "add", 1, 150, 160, 0, 1), switchover).validity())
                .isEqualTo(Validity.VALID);
        Verdict late = check(Histories.builder().directWrite(DIRECT, "add", 1, 210, 215, 0, 1), switchover);
        assertThat(late.validity()).isEqualTo(Validity.INVALID);
        assertThat(late.reasons()).singleElement().asString().contains("switchover: node 0 stopped cleanly at 0.200 s");
    }

    @Test
    void aServerPromotedAgainMayCommitAndTheOneItReplacedMayNot() {
        Events back = failover().switchoverBegins(1000, 0, 1, 3).stoppedCleanly(1100, 1, 0, 3)
                .promoted(1200, "switchover", 0, 3);
        Verdict v = check(Histories.builder()
                .write(0, "add", 1, 500, 510, 1, 2)
                .write(0, "add", 2, 1300, 1310, 0, 3)
                .directWrite(DIRECT + 1, "add", 3, 1400, 1410, 1, 2), back);
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString().startsWith("node 1 acknowledged 1 write(s) invoked after node 0's"
                + " promotion began (epoch 3");
    }

    @Test
    void withoutCommittedEventsNothingCanBeJudged() {
        Verdict v = new OverlapChecker(Set.of("add"), Optional.empty()).check(Histories.builder()
                .write(0, "add", 1, 10, 20, 0, 1).build());
        assertThat(v.validity()).isEqualTo(Validity.UNKNOWN);
        assertThat(check(Histories.builder(), new Events()).validity()).isEqualTo(Validity.UNKNOWN);
    }

    @Test
    void aPromotionWhoseBeginningWasNotGatheredBeganWhenItWasDoneAtTheLatest() {
        List<Promotions.Promotion> p = Promotions.of(new Events().init(0, 0).promoted(300, "failover", 1, 2)
                .add(400, "failover", 0, 2, "primary node 1 failed (x) but no standby can take over: none").build().get());
        assertThat(p).extracting(Promotions.Promotion::node).containsExactly(0, 1);
        assertThat(p.get(1).atMs()).isEqualTo(Histories.wallMs(300));
        assertThat(p.get(1).how()).contains("its beginning was not seen");
    }
}
