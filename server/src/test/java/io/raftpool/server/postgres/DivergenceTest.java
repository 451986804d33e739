package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DivergenceTest {
    private static final String HISTORY = "1\t0/9034650\tno recovery target specified\n";
    private static final long CHECKPOINT = ControlData.parseLsn("0/900F3B8");

    @Test
    void readsTheLastGoodRecordFromPgWaldump() {
        assertThat(Divergence.lastRecordStart(List.of(
                "pg_waldump: error: error in WAL record at 0/90344B8: invalid record length at 0/9034650: wanted 24, got 0")))
                .hasValue(ControlData.parseLsn("0/90344B8"));
        assertThat(Divergence.lastRecordStart(List.of("pg_waldump: error: could not find file \"000000010000000000000009\"")))
                .isEmpty();
    }

    @Test
    void aServerWhoseWalEndsBeforeTheSwitchPointFollowsWithoutRewind() {
        Divergence d = Divergence.of(1, OptionalLong.of(ControlData.parseLsn("0/90344B8")), CHECKPOINT, 2,
                ControlData.parseLsn("0/A000000"), HISTORY);
        assertThat(d.diverged()).as(d.why()).isFalse();
    }

    @Test
    void aRecordAtOrPastTheSwitchPointIsDivergence() {
        assertThat(Divergence.of(1, OptionalLong.of(ControlData.parseLsn("0/9034650")), CHECKPOINT, 2,
                ControlData.parseLsn("0/A000000"), HISTORY).diverged()).isTrue();
        assertThat(Divergence.of(1, OptionalLong.of(ControlData.parseLsn("0/9100000")), CHECKPOINT, 2,
                ControlData.parseLsn("0/A000000"), HISTORY).why()).contains("past the switch point 0/9034650");
    }

    @Test
    void unknownEndOrTimelineOutsideTheHistoryMeansRewind() {
        assertThat(Divergence.of(1, OptionalLong.empty(), CHECKPOINT, 2, 0, HISTORY).diverged()).isTrue();
        // pg_waldump stopped before the checkpoint itself: its answer cannot be trusted
        assertThat(Divergence.of(1, OptionalLong.of(ControlData.parseLsn("0/100")), CHECKPOINT, 2, 0, HISTORY).diverged())
                .isTrue();
        assertThat(Divergence.of(3, OptionalLong.of(ControlData.parseLsn("0/90344B8")), CHECKPOINT, 2,
                ControlData.parseLsn("0/A000000"), HISTORY).why()).contains("not in the history");
    }

    @Test
    void onTheSameTimelineItMustEndBeforeThePrimary() {
        assertThat(Divergence.of(2, OptionalLong.of(ControlData.parseLsn("0/90344B8")), CHECKPOINT, 2,
                ControlData.parseLsn("0/A000000"), "").diverged()).isFalse();
        assertThat(Divergence.of(2, OptionalLong.of(ControlData.parseLsn("0/B000000")), CHECKPOINT, 2,
                ControlData.parseLsn("0/A000000"), "").diverged()).isTrue();
    }

    /**
     * Found by a shared-cluster system test: a standby stopped with -m immediate right after its
     * base backup, then recovery-node. pg_waldump could not find its WAL's end, the rewind ran
     * single-user crash recovery, which wrote a checkpoint record on timeline 1 the primary did
     * not have; the standby streamed over it and PANICked at promotion.
     */
    @Test
    void aStandbyThatCrashedOnThePrimarysTimelineFollowsWithoutRewind() {
        ControlData crashedStandby = new ControlData("in archive recovery", CHECKPOINT, 1);
        Divergence d = Divergence.of(crashedStandby, OptionalLong.empty(), 1, ControlData.parseLsn("0/A000000"), "");
        assertThat(d.diverged()).as(d.why()).isFalse();
        assertThat(d.why()).contains("holds only WAL it received");
    }

    @Test
    void aCrashedServerIsJudgedByItsWalWhenItIsNotAStandbyOfThatTimeline() {
        long primaryAt = ControlData.parseLsn("0/A000000");
        assertThat(Divergence.of(new ControlData("in production", CHECKPOINT, 1), OptionalLong.empty(), 1, primaryAt, "")
                .diverged()).as("a crashed primary of the same timeline: two writers").isTrue();
        assertThat(Divergence.of(new ControlData("in archive recovery", CHECKPOINT, 1), OptionalLong.empty(), 2, primaryAt,
                HISTORY).diverged()).as("a standby of the old timeline: its end decides").isTrue();
        assertThat(Divergence.of(new ControlData("in archive recovery", ControlData.parseLsn("0/B000000"), 1),
                OptionalLong.empty(), 1, primaryAt, "").diverged()).as("its checkpoint is past the primary").isTrue();
        assertThat(Divergence.of(new ControlData("in archive recovery", CHECKPOINT, 1),
                OptionalLong.of(ControlData.parseLsn("0/B000000")), 1, primaryAt, "").diverged())
                .as("a known end past the primary's").isTrue();
    }

    @Test
    void historyLinesOfAncestorsAreFound() {
        String h = "1\t0/3000158\tno recovery target specified\n\n2\t0/5000000\tno recovery target specified\n";
        assertThat(Divergence.switchPoint(h, 2)).hasValue(ControlData.parseLsn("0/5000000"));
        assertThat(Divergence.switchPoint(h, 4)).isEmpty();
    }
}
