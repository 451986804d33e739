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
import org.junit.jupiter.api.Test;

/**
 * S6 for every client, in a chaos run (issue 19): the primary's agent frozen (SIGSTOP) and its
 * node cut off, while direct clients hold sessions to every server. The leader promotes a
 * standby once the frozen agent has been silent past the fencing window; the old server must be
 * dead by then, killed by its watchdog, since its agent can do nothing. On the main before the
 * watchdog this run was INVALID: 139 commits acknowledged by the old primary's direct session
 * after the promotion began, and 294 acknowledged inserts lost. Clients connecting through the
 * proxies of the majority's side during the failover are held and routed to the new primary,
 * not refused (issue 22).
 */
class ChaosFenceIT {

    @Test
    void aFrozenAndCutOffPrimaryAgentsServerCommitsNothingAfterThePromotionBegan() throws Exception {
        Path dir = ChaosRuns.freshDir("fence");
        ChaosOptions options = ChaosOptions.defaults("set", "pause-primary-agent-partitioned", Duration.ofSeconds(24),
                        20261126L, dir)
                .withFaults(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(4))
                .withRecoveryTimeout(Duration.ofSeconds(90));
        assertThat(options.schedule().faults()).hasSize(1);

        RunResult r = new ChaosRun(options, Progress.to(new PrintWriter(System.out, true), System::nanoTime)).run();

        String summary = Report.summaryText(r.report());
        assertThat(r.error()).as(summary).isEmpty();
        assertThat(r.report().verdict().validity()).as(summary).isEqualTo(Validity.VALID);
        assertThat(r.healed()).as(summary).isTrue();
        Verdict overlap = ChaosRuns.part(r, "overlap");
        assertThat(overlap.details()).as(summary).containsEntry("overlap_commits", 0);
        assertThat(Files.readString(dir.resolve("events.json")))
                .as("the fault caused a failover, and the old primary was killed by its watchdog")
                .contains("failover begins").contains("watchdog killed its PostgreSQL");
        assertThat(r.report().history().ops()).as("direct clients ran").anyMatch(op -> op.direct() && op.isOk());
        // issue 22: the proxies on the majority's side hold new connections through the failover of the
        // cut-off primary instead of refusing them (the cut-off node's own proxy refuses: its view is stale)
        assertThat(r.report().history().ops()).as("connections refused by the majority's proxies (%s)", summary)
                .noneMatch(op -> op.type() == io.raftpool.chaos.history.OpType.FAIL && !op.direct() && op.node() != 0
                        && op.error().contains("raftpool:"));
    }
}
