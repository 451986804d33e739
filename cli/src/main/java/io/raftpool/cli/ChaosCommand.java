package io.raftpool.cli;

import io.raftpool.chaos.Progress;
import io.raftpool.chaos.checker.Verdict;
import io.raftpool.chaos.nemesis.FaultKind;
import io.raftpool.chaos.nemesis.NemesisSpec;
import io.raftpool.chaos.run.ChaosOptions;
import io.raftpool.chaos.run.ChaosRun;
import io.raftpool.chaos.run.RunResult;
import io.raftpool.chaos.run.Verdicts;
import io.raftpool.chaos.workload.Workload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code raftpool chaos}: Jepsen-style runs against a fresh local cluster of real processes
 * (see docs/chaos.md), and a re-check of a recorded history.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Fault-injection runs that check raftpool's safety properties (docs/chaos.md).",
        subcommands = {ChaosCommand.Run.class, ChaosCommand.Check.class, ChaosCommand.Faults.class})
final class ChaosCommand implements Callable<Integer> {
    @ParentCommand
    RaftpoolCommand root;

    @Override
    public Integer call() {
        throw new CommandFailure("a chaos command is needed: run, check or faults (raftpool chaos --help)");
    }

    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Start a fresh cluster on this machine, run clients through its proxies while faults are"
                    + " injected, heal, check the history and write a report directory.",
                    "Exit code 0 when the history is valid and the cluster healed, 1 otherwise."})
    static final class Run implements Callable<Integer> {
        @ParentCommand
        ChaosCommand chaos;

        @Option(names = "--nodes", paramLabel = "N", description = "nodes: N-1 PostgreSQL servers and a witness"
                + " (default: ${DEFAULT-VALUE})")
        int nodes = 3;

        @Option(names = "--workload", paramLabel = "W", description = "set, bank or single-primary (default: ${DEFAULT-VALUE})")
        String workload = "set";

        @Option(names = "--nemesis", paramLabel = "FAULTS", description = "faults, comma-separated, or mix or none;"
                + " see `raftpool chaos faults` (default: ${DEFAULT-VALUE})")
        String nemesis = "kill-primary";

        @Option(names = "--time-limit", paramLabel = "SECONDS", description = "how long the clients run (default: ${DEFAULT-VALUE})")
        long timeLimit = 120;

        @Option(names = "--seed", paramLabel = "N", description = "seed of the fault schedule and the clients' choices"
                + " (default: the current time, printed)")
        Long seed;

        @Option(names = "--dir", paramLabel = "DIR", description = "the run directory (default: ./chaos-<time>)")
        Path dir;

        @Option(names = "--concurrency", paramLabel = "N", description = "clients (default: ${DEFAULT-VALUE})")
        int concurrency = 4;

        @Option(names = "--rate", paramLabel = "OPS", description = "operations per second, all clients together"
                + " (default: ${DEFAULT-VALUE})")
        double rate = 100;

        @Option(names = "--fault-duration", paramLabel = "SECONDS", description = "how long each fault lasts before it"
                + " is healed (default: ${DEFAULT-VALUE})")
        long faultDuration = 10;

        @Option(names = "--fault-interval", paramLabel = "SECONDS", description = "quiet time between a heal and the"
                + " next fault; random around it with mix (default: ${DEFAULT-VALUE})")
        long faultInterval = 10;

        @Option(names = "--warmup", paramLabel = "SECONDS", description = "load before the first fault (default: ${DEFAULT-VALUE})")
        long warmup = 5;

        @Option(names = "--recovery-timeout", paramLabel = "SECONDS", description = "how long the final heal may take"
                + " (default: ${DEFAULT-VALUE})")
        long recoveryTimeout = 120;

        @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE", description = "a cluster setting, e.g."
                + " failover.auto_rejoin=true or replication.mode=sync (repeatable)")
        List<String> settings = new ArrayList<>();

        @Option(names = "--keep-cluster", description = "keep the cluster's data directories in DIR/cluster")
        boolean keepCluster;

        @Option(names = "--pin-clients", description = "each client reconnects through its own node's proxy only,"
                + " like an application on that host (default: the next proxy in turn)")
        boolean pinClients;

        @Option(names = "--direct-clients", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "besides the clients through the proxies, one client per PostgreSQL server connected"
                        + " straight to its port, keeping its session across faults (default: on;"
                        + " --no-direct-clients: off)")
        boolean directClients = true;

        @Override
        public Integer call() {
            PrintWriter out = chaos.root.environment().out();
            long s = seed != null ? seed : System.currentTimeMillis();
            Path d = dir != null ? dir : chaos.root.environment().workingDir().resolve("chaos-" + s);
            ChaosOptions options;
            try {
                options = new ChaosOptions(nodes, workload, NemesisSpec.parse(nemesis), Duration.ofSeconds(timeLimit), s, d,
                        concurrency, rate, Duration.ofSeconds(faultDuration), Duration.ofSeconds(faultInterval),
                        Duration.ofSeconds(warmup), Duration.ofSeconds(recoveryTimeout), java.util.Map.of(), List.of(),
                        keepCluster, pinClients, directClients);
                for (String setting : settings) {
                    int eq = setting.indexOf('=');
                    int dot = setting.indexOf('.');
                    if (eq < 0 || dot < 1 || dot > eq) {
                        throw new IllegalArgumentException("--set: '" + setting + "' is not SECTION.KEY=VALUE"
                                + " (e.g. failover.auto_rejoin=true)");
                    }
                    options = options.withSetting(setting.substring(0, dot), setting.substring(dot + 1, eq),
                            typed(setting.substring(eq + 1)));
                }
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(e.getMessage());
            }
            RunResult r;
            try {
                r = new ChaosRun(options, Progress.to(out, System::nanoTime)).run();
            } catch (RuntimeException e) {
                throw new CommandFailure("the chaos run could not run: " + e.getMessage());
            }
            out.println();
            out.print(io.raftpool.chaos.report.Report.summaryText(r.report()));
            out.println("report: " + r.dir().resolve("index.html"));
            out.flush();
            return r.valid() && r.healed() ? ExitCodes.OK : ExitCodes.FAILED;
        }

        /** YAML-like values: true/false and whole numbers as such, the rest as text (durations like 2s stay text). */
        static Object typed(String v) {
            if (v.equals("true") || v.equals("false")) {
                return Boolean.parseBoolean(v);
            }
            if (v.matches("-?\\d{1,9}")) {
                return Integer.parseInt(v);
            }
            return v;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check the history of a finished run again (exit code 0 when valid).")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        ChaosCommand chaos;

        @Option(names = "--dir", paramLabel = "DIR", required = true, description = "the run directory")
        Path dir;

        @Option(names = "--pin-clients", description = "each client reconnects through its own node's proxy only,"
                + " like an application on that host (default: the next proxy in turn)")
        boolean pinClients;

        @Override
        public Integer call() {
            PrintWriter out = chaos.root.environment().out();
            Verdict v;
            try {
                v = Verdicts.recheck(dir);
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new CommandFailure(e.getMessage());
            }
            out.println(v.checker() + ": " + v.validity());
            for (Verdict p : v.parts()) {
                out.println("  " + p.checker() + ": " + p.validity());
                p.reasons().forEach(r -> out.println("    - " + r));
                p.warnings().forEach(w -> out.println("    ! " + w));
            }
            out.flush();
            return v.valid() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "faults", mixinStandardHelpOptions = true, description = "List the faults a nemesis can inject.")
    static final class Faults implements Callable<Integer> {
        @ParentCommand
        ChaosCommand chaos;

        @Option(names = "--pin-clients", description = "each client reconnects through its own node's proxy only,"
                + " like an application on that host (default: the next proxy in turn)")
        boolean pinClients;

        @Override
        public Integer call() {
            PrintWriter out = chaos.root.environment().out();
            for (FaultKind k : FaultKind.values()) {
                out.printf("  %-22s %s%n", k.cliName(), k.description());
            }
            out.printf("  %-22s %s%n", NemesisSpec.MIX, "all of the above but the self-test, at random, at random intervals");
            out.printf("  %-22s %s%n", NemesisSpec.NONE, "no faults (a baseline)");
            out.println("Workloads: " + String.join(", ", Workload.names()));
            out.flush();
            return ExitCodes.OK;
        }
    }
}
