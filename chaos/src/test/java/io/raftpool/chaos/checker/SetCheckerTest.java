package io.raftpool.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.history.Histories;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class SetCheckerTest {
    private static final SetChecker ASYNC = new SetChecker("add", false);
    private static final SetChecker SYNC = new SetChecker("add", true);

    /** 1 and 2 acknowledged by node 0 on timeline 1, 3 failed, 4 unknown; a failover at 100..200 ms. */
    private static Histories base() {
        return Histories.builder()
                .write(0, "add", 1, 0, 10, 0, 1)
                .write(1, "add", 2, 20, 30, 0, 1)
                .invoke(2, "add", Json.of(3), 40).fail(2, "add", Json.of(3), 45, "no primary available")
                .invoke(3, "add", Json.of(4), 50).info(3, "add", Json.of(4), 90, "08006 I/O error")
                .fault(1, "kill-primary", 100, 200)
                .write(7, "add", 5, 210, 220, 1, 2);
    }

    @Test
    void everyAcknowledgedIdPresentIsValid() {
        Verdict v = SYNC.check(base().finalRead(List.of(1L, 2L, 5L), 300).build());
        assertThat(v.validity()).isEqualTo(Validity.VALID);
        assertThat(v.details()).containsEntry("acknowledged", 3).containsEntry("lost", 0).containsEntry("unknown", 1);
    }

    @Test
    void anUnknownAddMayBeThereOrNot() {
        assertThat(SYNC.check(base().finalRead(List.of(1L, 2L, 4L, 5L), 300).build()).validity()).isEqualTo(Validity.VALID);
    }

    @Test
    void aLostWriteIsInvalidInSyncModeAndNamesTheFailoverItStraddles() {
        Verdict v = SYNC.check(base().finalRead(List.of(1L, 5L), 300).build());
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString()
                .contains("1 acknowledged add(s) missing", "[2]", "acknowledged by node 0 on timeline 1",
                        "lost at fault #1 kill-primary");
    }

    @Test
    void aLostWriteInAsyncModeIsAWarningWithTheSameAttribution() {
        Verdict v = ASYNC.check(base().finalRead(List.of(1L, 5L), 300).build());
        assertThat(v.validity()).isEqualTo(Validity.VALID);
        assertThat(v.warnings()).singleElement().asString().contains("[2]", "fault #1", "asynchronous replication");
        assertThat(v.details()).containsEntry("lost", 1);
    }

    @Test
    void aPhantomIdIsInvalidEvenInAsyncMode() {
        Verdict v = ASYNC.check(base().finalRead(List.of(1L, 2L, 5L, 99L), 300).build());
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString().contains("no client ever added", "[99]");
    }

    @Test
    void aFailedAddThatIsPresentIsInvalid() {
        Verdict v = ASYNC.check(base().finalRead(List.of(1L, 2L, 3L, 5L), 300).build());
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString().contains("failed for certain are present", "[3]");
    }

    @Test
    void withoutAFinalReadTheCheckerCannotTell() {
        assertThat(SYNC.check(base().build()).validity()).isEqualTo(Validity.UNKNOWN);
    }
}
