package io.raftpool.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftpool.chaos.checker.Validity;
import io.raftpool.chaos.checker.Verdict;
import io.raftpool.chaos.history.Histories;
import io.raftpool.chaos.history.HistoryJson;
import io.raftpool.chaos.history.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recorded history is judged again from its run directory, with the checkers its setup names. */
class VerdictsTest {
    @TempDir
    Path dir;

    private Path run(String name, Histories h) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        HistoryJson.write(h.build(), d.resolve("history.jsonl"));
        Files.writeString(d.resolve("events.json"), "[{\"seq\":1,\"at_ms\":1700000000000,\"kind\":\"init\","
                + "\"node_id\":0,\"epoch\":1,\"message\":\"cluster initialised\"}]");
        return d;
    }

    @Test
    void theSetupNamesTheWorkloadAndTheReplicationMode() throws Exception {
        Verdict ok = Verdicts.recheck(run("ok", Histories.builder()
                .setup(Json.object().put("workload", "set").put("replication", "sync"), 0)
                .write(0, "add", 1, 10, 20, 0, 1).finalRead(List.of(1L), 30)));
        assertThat(ok.validity()).isEqualTo(Validity.VALID);
        assertThat(ok.parts()).extracting(Verdict::checker).containsExactly("set", "single-primary", "availability",
                "overlap", "outage agreement");

        Verdict lostInSync = Verdicts.recheck(run("lost", Histories.builder()
                .setup(Json.object().put("workload", "set").put("replication", "sync"), 0)
                .write(0, "add", 1, 10, 20, 0, 1).finalRead(List.of(), 30)));
        assertThat(lostInSync.validity()).isEqualTo(Validity.INVALID);
        assertThat(lostInSync.reasons()).singleElement().asString().startsWith("set: 1 acknowledged add(s) missing");

        Verdict lostInAsync = Verdicts.recheck(run("async", Histories.builder()
                .setup(Json.object().put("workload", "set").put("replication", "async"), 0)
                .write(0, "add", 1, 10, 20, 0, 1).finalRead(List.of(), 30)));
        assertThat(lostInAsync.validity()).isEqualTo(Validity.VALID);
        assertThat(lostInAsync.warnings()).hasSize(1);
    }

    @Test
    void aRunDirectoryWithoutCommittedEventsCannotBeJudgedForOverlaps() throws Exception {
        Path d = run("no-events", Histories.builder().setup(Json.object().put("workload", "set").put("replication", "sync"), 0)
                .write(0, "add", 1, 10, 20, 0, 1).finalRead(List.of(1L), 30));
        Files.delete(d.resolve("events.json"));
        Verdict v = Verdicts.recheck(d);
        assertThat(v.validity()).isEqualTo(Validity.UNKNOWN);
        assertThat(v.reasons()).singleElement().asString().startsWith("overlap: no committed event is known");
    }

    @Test
    void withoutASetupNothingCanBeJudgedAndWithoutAHistoryNothingIsRead() throws Exception {
        assertThat(Verdicts.recheck(run("empty", Histories.builder().write(0, "add", 1, 10, 20, 0, 1))).validity())
                .isEqualTo(Validity.UNKNOWN);
        assertThatThrownBy(() -> Verdicts.recheck(dir.resolve("nothing"))).hasMessageContaining("no history.jsonl in");
    }
}
