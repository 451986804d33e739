package io.raftpool.harness.bench;

import io.raftpool.config.NodeConfig;
import io.raftpool.harness.LocalCluster;
import io.raftpool.harness.Preflight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the proxy costs: pgbench through a proxy's read-write port against pgbench straight to
 * the primary, in the same run (select-only with 1, 8 and 64 clients, the TPC-B-like mix with 8 and
 * 64), alternating for a few rounds; median latency from pgbench's per-transaction log; the proxy's
 * CPU time per transaction (from /proc); and the proxy's resident memory with 1,000 idle client
 * sessions, after a warm-up of both paths. Everything
 * shares this machine's cores, so the ratio says as much about the scheduler as about the proxy.
 *
 * <p>Usage: {@code java -cp cli/target/raftpool.jar io.raftpool.harness.bench.ProxyBench [seconds] [sessions] [rounds]}
 */
public final class ProxyBench {
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
    private static final Pattern TRANSACTIONS = Pattern.compile("number of transactions actually processed: ([0-9]+)");

    record Run(double tps, long transactions, double medianUs) {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        LocalCluster.Options options = LocalCluster.options().name("proxybench").proxies(true)
                .set("postgres", "parameters", Map.of("max_connections", Integer.toString(sessions + 200),
                        "shared_buffers", "128MB"));
        try (LocalCluster cluster = LocalCluster.start(options)) {
            cluster.awaitHealthy(Duration.ofSeconds(120));
            NodeConfig primary = cluster.config().requireNode(0);
            int directPort = primary.requirePostgres().port();
            int proxyPort = primary.proxy().orElseThrow().rwPort();
            pgbenchOutput(List.of("-i", "-q", "-s", "10"), directPort);
            // warm-up, not counted: the proxy's JIT compiles its hot paths in the first seconds,
            // and on a small machine the compiler's own CPU time would be charged to the proxy
            for (int port : List.of(directPort, proxyPort)) {
                pgbenchOutput(List.of("-n", "-S", "-c", "8", "-j", "2", "-T", Integer.toString(Math.max(5, seconds / 2))),
                        port);
            }
            long proxyPid = cluster.proxy(0).pid();
            System.out.printf("%-12s %7s %11s %11s %6s %16s %16s %14s%n", "workload", "clients", "direct tps",
                    "proxy tps", "ratio", "median latency", "median added", "proxy CPU/txn");
            // one client: the hop's own latency, with the cores idle; 8 and 64: the cores saturated
            for (String workload : List.of("select-only", "tpcb-like")) {
                for (int clients : workload.equals("select-only") ? List.of(1, 8, 64) : List.of(8, 64)) {
                    List<String> a = new ArrayList<>(List.of("-n", "-c", Integer.toString(clients), "-j",
                            Integer.toString(Math.min(2, clients)), "-T", Integer.toString(seconds)));
                    if (workload.equals("select-only")) {
                        a.add("-S");
                    }
                    // direct and proxied runs alternate, so that drift of the machine (other tenants,
                    // the agents' own work) falls on both alike; the median of the rounds is reported
                    List<Double> ratios = new ArrayList<>();
                    List<Double> added = new ArrayList<>();
                    List<Double> directLatency = new ArrayList<>();
                    List<Double> cpu = new ArrayList<>();
                    List<Double> directTps = new ArrayList<>();
                    List<Double> proxyTps = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        Run direct = pgbench(a, directPort);
                        long cpuBefore = cpuMicros(proxyPid);
                        Run proxied = pgbench(a, proxyPort);
                        long cpuUsed = cpuMicros(proxyPid) - cpuBefore;
                        directTps.add(direct.tps);
                        proxyTps.add(proxied.tps);
                        ratios.add(proxied.tps / direct.tps);
                        directLatency.add(direct.medianUs);
                        added.add(proxied.medianUs - direct.medianUs);
                        cpu.add(cpuUsed / (double) proxied.transactions);
                    }
                    System.out.printf("%-12s %7d %11.0f %11.0f %6.2f %13.0f µs %13.0f µs %11.1f µs   ratios %s%n",
                            workload, clients, median(directTps), median(proxyTps), median(ratios),
                            median(directLatency), median(added), median(cpu),
                            ratios.stream().map(r -> String.format("%.2f", r)).toList());
                }
            }
            idleSessions(cluster, proxyPort, sessions);
        }
    }

    static void idleSessions(LocalCluster cluster, int proxyPort, int sessions) throws SQLException {
        long pid = cluster.proxy(0).pid();
        long before = rssKb(pid);
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxyPort
                        + "/postgres?user=postgres&sslmode=disable&connectTimeout=10");
                c.createStatement().execute("select 1");
                open.add(c);
            }
            System.gc();
            long with = rssKb(pid);
            System.out.printf("proxy resident memory: %d MB at rest, %d MB with %d idle client sessions (%.1f kB each)%n",
                    before / 1024, with / 1024, open.size(), (with - before) / (double) open.size());
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** User plus system CPU time the process has used so far (from /proc, in clock ticks of 10 ms). */
    static long cpuMicros(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name may hold spaces; the fields after its closing parenthesis do not
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000L;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CPU time of pid " + pid + ": " + e.getMessage(), e);
        }
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the memory of pid " + pid + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    /** A timed run, with every transaction's latency logged (pgbench -l) to take the median. */
    static Run pgbench(List<String> args, int port) throws IOException, InterruptedException {
        Path logs = Files.createTempDirectory("raftpool-proxybench");
        try {
            List<String> logged = new ArrayList<>(args);
            logged.addAll(List.of("-l", "--log-prefix=" + logs.resolve("txn")));
            String out = pgbenchOutput(logged, port);
            Matcher t = TPS.matcher(out);
            Matcher n = TRANSACTIONS.matcher(out);
            if (!t.find() || !n.find()) {
                throw new IllegalStateException("cannot read pgbench's output:\n" + out);
            }
            List<Long> latencies = new ArrayList<>();
            try (var files = Files.list(logs)) {
                for (Path f : files.toList()) {
                    // each line: client_id transaction_no latency_us script_no epoch_s epoch_us
                    for (String line : Files.readAllLines(f)) {
                        latencies.add(Long.parseLong(line.split(" ")[2]));
                    }
                }
            }
            if (latencies.isEmpty()) {
                throw new IllegalStateException("pgbench logged no transaction:\n" + out);
            }
            Collections.sort(latencies);
            return new Run(Double.parseDouble(t.group(1)), Long.parseLong(n.group(1)),
                    latencies.get(latencies.size() / 2));
        } finally {
            try (var files = Files.list(logs)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(logs);
        }
    }

    static String pgbenchOutput(List<String> args, int port) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Preflight.pgBin().resolve("pgbench").toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(port), "-U", "postgres"));
        cmd.addAll(args);
        cmd.add("postgres");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGSSLMODE", "disable");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("pgbench " + args + " on port " + port + " failed:\n" + out);
        }
        return out;
    }
}
