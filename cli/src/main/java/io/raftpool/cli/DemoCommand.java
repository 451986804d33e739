package io.raftpool.cli;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.harness.DetachedCluster;
import io.raftpool.harness.HarnessException;
import io.raftpool.harness.LocalCluster;
import io.raftpool.harness.ManagedProcess;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code raftpool demo}: the design's scenario cluster on this machine — two PostgreSQL servers
 * (primary and streaming standby), three agents (one a witness), a proxy per node — through
 * the same local-cluster harness the tests use.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a local demo cluster: 2 PostgreSQL servers, 3 agents (one witness), a proxy per node.",
        subcommands = DemoCommand.Stop.class)
final class DemoCommand implements Callable<Integer> {
    static final Path DEFAULT_DIR = Path.of("/tmp/raftpool-demo");
    static final Duration HEALTHY_WITHIN = Duration.ofSeconds(180);

    @ParentCommand
    RaftpoolCommand root;

    @Option(names = "--dir", paramLabel = "DIR", description = "where the cluster lives (default: ${DEFAULT-VALUE})")
    Path dir = DEFAULT_DIR;

    @Option(names = "--detach", description = "return once the cluster is healthy and leave it running;"
            + " stop it with: raftpool demo stop --dir DIR")
    boolean detach;

    @Option(names = "--no-proxies", negatable = false, description = "do not start the proxies")
    boolean noProxies;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = root.environment().out();
        Path abs = dir.toAbsolutePath();
        if (DetachedCluster.runningIn(abs)) {
            throw new CommandFailure("a demo cluster is already running in " + abs + "; see it with: raftpool pool-nodes"
                    + " --config " + abs.resolve("raftpool.yaml") + ", stop it with: raftpool demo stop --dir " + abs);
        }
        boolean resumed = Files.exists(abs.resolve("raftpool.yaml"));
        out.println((resumed ? "Restarting the demo cluster in " : "Starting a demo cluster in ") + abs + " ...");
        out.flush();
        LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("demo").dir(abs)
                .proxies(!noProxies).detached(detach));
        CountDownLatch stopped = new CountDownLatch(1);
        if (!detach) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                out.println("\nStopping the demo cluster ...");
                out.flush();
                cluster.close();
                out.println("Stopped. Its files stay in " + abs + " (the next `raftpool demo --dir " + abs
                        + "` starts the same cluster again).");
                out.flush();
                stopped.countDown();
            }, "demo-stop"));
        }
        try {
            cluster.awaitHealthy(HEALTHY_WITHIN);
        } catch (HarnessException e) {
            if (detach) {
                DetachedCluster.stop(abs);
            }
            throw new CommandFailure(e.getMessage());
        }
        describe(out, cluster);
        String config = "--config " + cluster.configPath();
        out.println();
        out.println("$ raftpool pool-nodes " + config);
        out.flush();
        Main.run(new String[] {"pool-nodes", "--config", cluster.configPath().toString()}, root.environment());
        out.println();
        out.println("$ raftpool watchdog-info " + config);
        out.flush();
        Main.run(new String[] {"watchdog-info", "--config", cluster.configPath().toString()}, root.environment());
        out.println();
        if (detach) {
            out.println("The cluster keeps running. Stop it with: raftpool demo stop --dir " + abs);
            out.flush();
            return ExitCodes.OK;
        }
        out.println("Running until Ctrl-C.");
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }

    private static void describe(PrintWriter out, LocalCluster cluster) {
        ClusterConfig c = cluster.config();
        out.println();
        out.println("The demo cluster is up (config: " + cluster.configPath() + ", logs: " + cluster.dir().resolve("logs") + ")");
        for (NodeConfig n : c.nodes()) {
            ManagedProcess agent = cluster.agent(n.id());
            out.printf("  node %d %-8s agent pid %-7d raft %s  admin %s%n", n.id(), n.name(), agent.pid(),
                    n.raftAddress(), n.adminAddress());
            n.postgres().ifPresent(pg -> out.printf("    PostgreSQL %s:%d  data %s%n      psql -h %s -p %d -U postgres%n",
                    n.host(), pg.port(), pg.dataDir(), n.host(), pg.port()));
            if (cluster.proxies().containsKey(n.id())) {
                n.proxy().ifPresent(p -> out.printf("    proxy pid %d  read-write %s:%d  read-only %s:%d%n"
                        + "      psql -h %s -p %d -U postgres   (always reaches the primary)%n",
                        cluster.proxy(n.id()).pid(), n.host(), p.rwPort(), n.host(), p.roPort(), n.host(), p.rwPort()));
            }
        }
        out.println();
        out.println("Try:  export RAFTPOOL_CONFIG=" + cluster.configPath());
        out.println("      raftpool pool-nodes; raftpool events; raftpool watchdog-info");
        c.postgresNodes().stream().filter(n -> n.id() == c.bootstrapPrimary()).findFirst().ifPresent(p ->
                out.println("      " + p.requirePostgres().bin("pg_ctl") + " stop -m immediate -D " + p.requirePostgres().dataDir()
                        + "   (as the postgres user: watch raftpool fail over)"));
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a demo cluster started with --detach.")
    static final class Stop implements Callable<Integer> {
        @ParentCommand
        DemoCommand demo;

        @Option(names = "--dir", paramLabel = "DIR", description = "the demo's directory (default: ${DEFAULT-VALUE})")
        Path dir = DEFAULT_DIR;

        @Override
        public Integer call() {
            PrintWriter out = demo.root.environment().out();
            Path abs = dir.toAbsolutePath();
            int n;
            try {
                n = DetachedCluster.stop(abs);
            } catch (HarnessException e) {
                throw new CommandFailure(e.getMessage());
            }
            out.println("Stopped the demo cluster in " + abs + " (" + n + " processes, and its PostgreSQL servers)."
                    + " Its files stay there.");
            out.flush();
            return ExitCodes.OK;
        }
    }
}
