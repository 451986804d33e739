package io.raftpool.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.Progress;
import io.raftpool.chaos.checker.Validity;
import io.raftpool.chaos.checker.Verdict;
import io.raftpool.chaos.net.NetFilter;
import io.raftpool.chaos.report.Report;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proof that the checkers can fail: a build with the S2/S6 protection switched off must be
 * judged invalid by the single-primary checker, from a real history.
 *
 * <p>With the agents' test-only switch ({@value #SWITCH}, see {@link #SWITCH_CLASS}) the primary's
 * node is cut off by a partition while its agent neither fences it nor lets its proxy go stale,
 * so clients through that proxy write to the old primary while the majority promotes a new one.
 * Clients are pinned to their own proxies, as applications on each host would be: otherwise
 * the refused ones wander to the one proxy that still takes writes, the old primary's, and
 * nobody writes to the new primary until the partition heals.
 * Until the switch exists, the same violation of S2 is made by hand (the {@code
 * unsafe-rogue-primary} nemesis): after a failover the old primary's agent is killed,
 * standby.signal removed, the server started as a primary, and a client writes to it directly.
 * Either way the run must be INVALID with a split-brain or a stale write.
 */
class ChaosBrokenBuildIT {
    static final String SWITCH = "raftpool.unsafe.disableSafety";
    static final String SWITCH_CLASS = "io.raftpool.server.UnsafeSwitches";

    static boolean agentsHaveTheSwitch() {
        try {
            Class.forName(SWITCH_CLASS);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    void withoutTheProtectionAgainstAStalePrimaryTheSinglePrimaryCheckerFindsTheSplitBrain() {
        boolean realSwitch = agentsHaveTheSwitch() && NetFilter.unavailableReason().isEmpty();
        ChaosOptions options = ChaosOptions.defaults("single-primary", realSwitch ? "partition-primary" : "unsafe-rogue-primary",
                        Duration.ofSeconds(24), 7L, ChaosRuns.freshDir("broken-build"))
                .withFaults(Duration.ofSeconds(14), Duration.ofSeconds(5), Duration.ofSeconds(4))
                .withPinnedClients(true)
                .withRecoveryTimeout(Duration.ofSeconds(60));
        if (realSwitch) {
            options = options.withAgentJavaOptions(List.of("-D" + SWITCH + "=true"));
        }
        PrintWriter out = new PrintWriter(System.out, true);
        out.println("broken build made " + (realSwitch ? "with the agents' switch " + SWITCH + " and a partition"
                : "by hand (unsafe-rogue-primary): the agents have no " + SWITCH_CLASS + " yet"));

        RunResult r = new ChaosRun(options, Progress.to(out, System::nanoTime)).run();

        String summary = Report.summaryText(r.report());
        assertThat(r.report().verdict().validity()).as(summary).isEqualTo(Validity.INVALID);
        Verdict singlePrimary = ChaosRuns.part(r, "single-primary");
        assertThat(singlePrimary.validity()).as(summary).isEqualTo(Validity.INVALID);
        assertThat(singlePrimary.reasons()).as(summary).anyMatch(reason -> reason.startsWith("split-brain")
                || reason.startsWith("stale write"));
        // the anomaly is the old primary's: node 0 on timeline 1 against the promoted server on a newer timeline
        assertThat(String.join(" ", singlePrimary.reasons())).contains("node 0 (timeline 1)");
        assertThat(r.report().result()).isEqualTo("INVALID");
    }
}
