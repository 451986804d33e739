package io.raftpool.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {

    @Test
    void invocationsArePairedWithTheNextCompletionOfTheSameProcess() {
        History h = Histories.builder()
                .invoke(0, "add", Json.of(1), 0).invoke(1, "add", Json.of(2), 1)
                .ok(1, "add", Json.of(2), 5, 1, 2).fail(0, "add", Json.of(1), 7, "refused")
                .invoke(0, "add", Json.of(3), 8).build();
        List<History.Completed> c = h.completed();
        assertThat(c).hasSize(3);
        assertThat(c.get(0).invoke().value().asLong()).isEqualTo(1);
        assertThat(c.get(0).type()).isEqualTo(OpType.FAIL);
        assertThat(c.get(1).type()).isEqualTo(OpType.OK);
        assertThat(c.get(1).completion().server()).isEqualTo(1);
        assertThat(c.get(1).latencyNs()).isEqualTo(4_000_000);
        // the run ended before the last one completed: it is unknown, not lost or failed
        assertThat(c.get(2).type()).isEqualTo(OpType.INFO);
        assertThat(c.get(2).completion().error()).contains("run ended");
    }

    @Test
    void aSecondInvocationOfAnOpenProcessIsRefused() {
        History h = Histories.builder().invoke(0, "add", Json.of(1), 0).invoke(0, "add", Json.of(2), 1).build();
        assertThatThrownBy(h::completed).hasMessageContaining("process 0 invoked");
    }

    @Test
    void faultWindowsRunFromTheNemesisStartToItsHeal() {
        History h = Histories.builder().fault(1, "kill-primary", 1000, 5000).fault(2, "pause-leader", 9000, 12000)
                .invoke(Op.NEMESIS, "partition-primary", Json.object().put("fault", 3).put("phase", "start"), 15000)
                .fail(Op.NEMESIS, "partition-primary", Json.object().put("what", "skipped: no active primary"), 15001, "x")
                .build();
        List<History.FaultWindow> w = h.faultWindows();
        assertThat(w).extracting(History.FaultWindow::kind).containsExactly("kill-primary", "pause-leader", "partition-primary");
        assertThat(w.get(0).startSeconds()).isEqualTo(1.0);
        assertThat(w.get(0).endSeconds()).isEqualTo(5.0);
        assertThat(w.get(0).applied()).isTrue();
        assertThat(w.get(2).applied()).isFalse();
        assertThat(w.get(2).what()).contains("no active primary");
        assertThat(w.get(2).endNs()).isEqualTo(h.endNs()); // never healed: open until the end
    }

    @Test
    void aHistoryRoundTripsThroughJsonLines(@TempDir Path dir) {
        History h = Histories.builder().setup(Json.object().put("workload", "set"), 0)
                .invoke(3, "add", Json.of(7), 2).info(3, "add", Json.of(7), 9, "08006 connection lost")
                .fault(1, "kill-primary", 10, 20).finalRead(List.of(7L), 30).build();
        Path file = dir.resolve("history.jsonl");
        HistoryJson.write(h, file);
        History back = HistoryJson.read(file);
        assertThat(back.ops().stream().map(HistoryJson::toLine)).containsExactlyElementsOf(
                h.ops().stream().map(HistoryJson::toLine).toList());
        assertThat(back.completed()).hasSize(h.completed().size());
        assertThat(HistoryJson.toLine(h.ops().get(2))).doesNotContain("server").contains("\"type\":\"invoke\"");
    }

    @Test
    void directOperationsAreMarkedSoInTheFileAndStaySoWhenReadBack(@TempDir Path dir) {
        History h = Histories.builder().directWrite(1_000_000, "add", 5, 1, 2, 1, 3).write(0, "add", 6, 3, 4, 0, 2).build();
        Path file = dir.resolve("history.jsonl");
        HistoryJson.write(h, file);
        History back = HistoryJson.read(file);
        assertThat(back.ops()).extracting(Op::direct).containsExactly(true, true, false, false);
        assertThat(HistoryJson.toLine(h.ops().get(1))).contains("\"direct\":true").contains("\"server\":1");
        assertThat(HistoryJson.toLine(h.ops().get(3))).doesNotContain("direct");
    }

    @Test
    void theRecorderMarksTheCompletionOfADirectInvocationDirect() {
        try (HistoryRecorder r = HistoryRecorder.inMemory()) {
            Op inv = r.invokeDirect(7, "add", Json.of(1), 1);
            Op done = r.complete(inv, OpType.OK, null, 1, 2, "");
            assertThat(inv.direct()).isTrue();
            assertThat(done.direct()).isTrue();
            assertThat(r.complete(r.invoke(8, "add", Json.of(2), 0), OpType.OK, null, 0, 2, "").direct()).isFalse();
        }
    }

    @Test
    void aBrokenLineIsReportedWithItsNumber(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("history.jsonl");
        Files.writeString(file, "{\"process\":0,\"type\":\"invoke\",\"f\":\"add\"}\n{\"oops\":1}\n");
        assertThatThrownBy(() -> HistoryJson.read(file)).hasMessageContaining("line 2");
    }

    @Test
    void theRecorderStampsIndexAndTimeAndWritesEachLine(@TempDir Path dir) throws Exception {
        long[] now = {1_000};
        Path file = dir.resolve("h.jsonl");
        try (HistoryRecorder r = new HistoryRecorder(java.util.Optional.of(file), () -> now[0], () -> 42L)) {
            now[0] = 1_500;
            Op inv = r.invoke(0, "add", Json.of(1), 2);
            now[0] = 3_000;
            Op done = r.complete(inv, OpType.OK, null, 1, 2, "");
            assertThat(inv.index()).isZero();
            assertThat(inv.timeNs()).isEqualTo(500);
            assertThat(done.index()).isEqualTo(1);
            assertThat(done.timeNs()).isEqualTo(2_000);
            assertThat(done.value().asLong()).isEqualTo(1); // the invocation's value when the completion has none
            assertThat(done.node()).isEqualTo(2);
            assertThatThrownBy(() -> r.complete(inv, OpType.INVOKE, null, -1, -1, "")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Files.readAllLines(file)).hasSize(2);
    }
}
