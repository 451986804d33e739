package io.raftpool.chaos.net;

import io.raftpool.harness.CleanupOnExit;
import io.raftpool.harness.Exec;
import io.raftpool.harness.Preflight;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Network faults of one run, by the kernel: per-node cgroups and the iptables chains of an
 * {@link IptablesPlan}. Made before the cluster starts (its processes must be born in their
 * node's cgroup: see {@link #processPrefix()}), checked once by a real blocked connection, and
 * removed by {@link #close()} — or by a shutdown hook if the JVM ends first. Only rules and
 * cgroups this run created are ever touched.
 */
public final class NetFilter implements AutoCloseable {
    private static final Duration IPTABLES_TIMEOUT = Duration.ofSeconds(15);

    private final IptablesPlan plan;
    private final NodeCgroups cgroups;
    private final Consumer<String> log;
    private final CleanupOnExit cleanup;
    private Set<Link> blocked = new TreeSet<>();

    private NetFilter(IptablesPlan plan, NodeCgroups cgroups, Consumer<String> log) {
        this.plan = plan;
        this.cgroups = cgroups;
        this.log = log;
        this.cleanup = CleanupOnExit.register("chaos-network-cleanup " + plan.chain(), this::removeAll);
    }

    /** Why partitions cannot be made here (not root, no iptables, no cgroup v2), or empty. */
    public static Optional<String> unavailableReason() {
        if (!Preflight.isRoot()) {
            return Optional.of("partitions need root (iptables, cgroups); running as " + System.getProperty("user.name"));
        }
        Exec.Result v = Exec.run(Duration.ofSeconds(10), List.of("iptables", "-V"));
        if (!v.ok()) {
            return Optional.of("iptables is missing: install it with `apt-get install -y iptables` (" + v.output() + ")");
        }
        if (NodeCgroups.cgroup2Mount().isEmpty()) {
            return Optional.of("no cgroup v2 hierarchy is mounted (needed to tell the nodes' packets apart on loopback);"
                    + " mount one with `mount -t cgroup2 none /sys/fs/cgroup/unified`");
        }
        return Optional.empty();
    }

    /** Builds the cgroups and chains for nodes at {@code addresses} and proves that a block really blocks. */
    public static NetFilter setup(String runId, Map<Integer, String> addresses, Consumer<String> log) {
        unavailableReason().ifPresent(why -> {
            throw new NetFilterException("cannot inject partitions: " + why);
        });
        Path mount = NodeCgroups.cgroup2Mount().orElseThrow();
        removeOrphans(mount, log);
        NodeCgroups cgroups = NodeCgroups.create(mount, runId, addresses.keySet());
        IptablesPlan plan = new IptablesPlan("RAFTPOOL-CHAOS-" + runId, addresses, cgroups.paths());
        NetFilter f = new NetFilter(plan, cgroups, log);
        try {
            for (List<String> cmd : plan.setup()) {
                check(IPTABLES_TIMEOUT, cmd);
            }
            log.accept("network: chain " + plan.chain() + " in the filter and mangle tables, cgroups under "
                    + mount.resolve("raftpool-chaos-" + runId));
            f.selfTest();
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    /**
     * Removes the chains of earlier runs that were killed (SIGKILL skips the shutdown hook). A run's
     * cgroup exists from before its chain is made until after the chain is gone, so a chain
     * without its cgroup belongs to no live run.
     */
    private static void removeOrphans(Path mount, Consumer<String> log) {
        Set<String> live = NodeCgroups.liveRuns(mount);
        Set<String> orphans = new TreeSet<>();
        for (String table : List.of("filter", "mangle")) {
            Exec.Result rules = Exec.run(IPTABLES_TIMEOUT, List.of("iptables", "-w", "5", "-t", table, "-S"));
            if (rules.ok()) {
                orphans.addAll(IptablesPlan.orphanedRuns(rules.output(), live));
            }
        }
        for (String run : orphans) {
            for (List<String> cmd : IptablesPlan.ofOrphan(run).teardown()) {
                Exec.run(IPTABLES_TIMEOUT, cmd);
            }
            log.accept("network: removed chain RAFTPOOL-CHAOS-" + run + " left behind by a run that was killed");
        }
    }

    public String chain() {
        return plan.chain();
    }

    /** For {@code ClusterOptions.processPrefix}: node i's agent and proxy start in its cgroup. */
    public IntFunction<List<String>> processPrefix() {
        return cgroups::joinPrefix;
    }

    /** {@code command} run in node {@code node}'s cgroup (e.g. an operator's pg_ctl start). */
    public List<String> wrap(int node, List<String> command) {
        return cgroups.wrap(node, command);
    }

    public synchronized void block(Set<Link> links) {
        for (List<String> cmd : plan.block(links)) {
            check(IPTABLES_TIMEOUT, cmd);
        }
        blocked = new TreeSet<>(links);
    }

    public synchronized void heal() {
        check(IPTABLES_TIMEOUT, plan.heal());
        blocked = new TreeSet<>();
    }

    public synchronized Set<Link> blocked() {
        return Set.copyOf(blocked);
    }

    /**
     * A connection from node a's cgroup to a listener on node b's address gets through, and is
     * dropped once a->b is blocked: partitions really work on this machine, or setup fails here.
     */
    private void selfTest() {
        List<Integer> nodes = new ArrayList<>(plan.addresses().keySet());
        if (nodes.size() < 2 || !Files.isExecutable(Path.of("/bin/bash"))) {
            log.accept("network: self-test skipped (" + (nodes.size() < 2 ? "one node" : "no /bin/bash") + ")");
            return;
        }
        int a = nodes.get(0);
        int b = nodes.get(1);
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getByName(plan.addresses().get(b)), 0));
            List<String> probe = cgroups.wrap(a, List.of("/bin/bash", "-c", "exec 3<>/dev/tcp/" + plan.addresses().get(b)
                    + "/" + listener.getLocalPort()));
            List<String> timed = new ArrayList<>(List.of("timeout", "2"));
            timed.addAll(probe);
            Exec.Result open = Exec.run(Duration.ofSeconds(10), timed);
            block(Set.of(new Link(a, b)));
            Exec.Result cut = Exec.run(Duration.ofSeconds(10), timed);
            heal();
            if (!open.ok() || cut.ok()) {
                throw new NetFilterException("network self-test failed: a connection from node " + a + "'s cgroup to "
                        + plan.addresses().get(b) + " " + (open.ok() ? "" : "did not get through without rules ("
                        + open.output() + ")") + (cut.ok() ? "got through although blocked" : "")
                        + "; partitions would not work here (is the iptables cgroup match available?)");
            }
            log.accept("network: self-test passed (node " + a + " -> node " + b + " open, then blocked)");
        } catch (IOException e) {
            throw new NetFilterException("network self-test: cannot listen on " + plan.addresses().get(b) + ": " + e);
        }
    }

    /** Removes every rule, chain and cgroup of this run. Call after the cluster's processes are gone. */
    @Override
    public synchronized void close() {
        cleanup.close();
    }

    /** Runs it and throws, naming the command and its output, unless it exits 0. */
    private static String check(Duration timeout, List<String> command) {
        Exec.Result r = Exec.run(timeout, command);
        if (!r.ok()) {
            throw new NetFilterException("`" + String.join(" ", command) + "` failed (exit " + r.exitCode() + "): "
                    + r.output().strip());
        }
        return r.output();
    }

    private void removeAll() {
        List<String> problems = new ArrayList<>();
        for (List<String> cmd : plan.teardown()) {
            Exec.Result r = Exec.run(IPTABLES_TIMEOUT, cmd);
            if (!r.ok() && !r.output().contains("No chain") && !r.output().contains("does not exist")
                    && !r.output().contains("Bad rule")) {
                problems.add("`" + String.join(" ", r.command()) + "`: " + r.output().strip());
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> left = cgroups.close();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            // processes leave a cgroup a moment after they exit
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = cgroups.close();
        }
        problems.addAll(left);
        if (problems.isEmpty()) {
            log.accept("network: removed chain " + plan.chain() + " and the run's cgroups");
        } else {
            log.accept("network: could not remove everything: " + String.join("; ", problems));
        }
    }
}
