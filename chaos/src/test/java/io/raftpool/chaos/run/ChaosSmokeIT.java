package io.raftpool.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.Progress;
import io.raftpool.chaos.checker.Validity;
import io.raftpool.chaos.checker.Verdict;
import io.raftpool.chaos.report.Report;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chaos smoke run of the test suite: a fresh cluster of 2 PostgreSQL servers and a witness,
 * 4 clients of the single-primary workload through the proxies and one direct client per
 * server (a session straight to its port, held across the fault), the primary's postmaster
 * killed with SIGKILL once, healed with recovery-node. The build fails if a checker finds an
 * anomaly, if the cluster does not heal, or if the fault did not cause a failover at all.
 * About 70 s (half of it the cluster's start); the run directory stays in target/chaos-runs.
 */
class ChaosSmokeIT {

    @Test
    void aKilledPrimaryIsReplacedWithoutAnyAnomalyAndTheClusterHeals() throws Exception {
        Path dir = ChaosRuns.freshDir("smoke");
        ChaosOptions options = ChaosOptions.defaults("single-primary", "kill-primary", Duration.ofSeconds(20), 20261126L, dir)
                .withFaults(Duration.ofSeconds(8), Duration.ofSeconds(5), Duration.ofSeconds(4))
                .withRecoveryTimeout(Duration.ofSeconds(60));
        assertThat(options.schedule().faults()).hasSize(1);

        RunResult r = new ChaosRun(options, Progress.to(new PrintWriter(System.out, true), System::nanoTime)).run();

        String summary = Report.summaryText(r.report());
        assertThat(r.error()).as(summary).isEmpty();
        assertThat(r.report().verdict().validity()).as(summary).isEqualTo(Validity.VALID);
        assertThat(r.healed()).as(summary).isTrue();
        Verdict singlePrimary = ChaosRuns.part(r, "single-primary");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> writers = (List<Map<String, Object>>) singlePrimary.details().get("writers");
        assertThat(writers).as("the kill caused a failover: two servers took writes, one after the other; " + summary)
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(ChaosRuns.part(r, "set").details().get("acknowledged")).as(summary).isNotEqualTo(0);
        assertThat(ChaosRuns.part(r, "availability").warnings()).as("writes came back after the fault").isEmpty();
        Verdict overlap = ChaosRuns.part(r, "overlap");
        assertThat(overlap.details()).as("no commit after the new primary's promotion began; " + summary)
                .containsEntry("overlap_commits", 0);
        assertThat((List<?>) overlap.details().get("promotions"))
                .as("the bootstrap and the failover are read from the committed events; " + summary).hasSizeGreaterThanOrEqualTo(2);
        assertThat(r.report().history().ops()).as("direct clients ran").anyMatch(op -> op.direct() && op.isOk());
        for (String f : List.of("history.jsonl", "summary.json", "summary.txt", "index.html", "events.json",
                "logs/agent-0.log", "logs/postgresql-node0.log")) {
            assertThat(dir.resolve(f)).as(f).exists();
        }
        assertThat(Files.readString(dir.resolve("events.json"))).contains("failover");
        assertThat(dir.resolve("cluster")).as("the cluster's data is removed after the run").doesNotExist();
    }
}
