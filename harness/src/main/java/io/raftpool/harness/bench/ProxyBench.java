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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the proxy costs: pgbench through a proxy's read-write port against pgbench straight to
 * the primary, in the same run (select-only and the TPC-B-like mix, 8 and 64 clients), and the
 * proxy's resident memory with 1,000 idle client sessions, after a warm-up of both paths. Everything
 * shares this machine's cores, so the ratio says as much about the scheduler as about the proxy.
 *
 * <p>Usage: {@code java -cp cli/target/raftpool.jar io.raftpool.harness.bench.ProxyBench [seconds] [sessions]}
 */
public final class ProxyBench {
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
    private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

    record Run(double tps, double latencyMs) {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        LocalCluster.Options options = LocalCluster.options().name("proxybench").proxies(true)
                .set("postgres", "parameters", Map.of("max_connections", Integer.toString(sessions + 200),
                        "shared_buffers", "128MB"));
        try (LocalCluster cluster = LocalCluster.start(options)) {
            cluster.awaitHealthy(Duration.ofSeconds(120));
            NodeConfig primary = cluster.config().requireNode(0);
            int directPort = primary.requirePostgres().port();
            int proxyPort = primary.proxy().orElseThrow().rwPort();
            pgbench(List.of("-i", "-q", "-s", "10"), directPort);
            // warm-up, not counted: the proxy's JIT compiles its hot paths in the first seconds,
            // and on a small machine the compiler's own CPU time would be charged to the proxy
            for (int port : List.of(directPort, proxyPort)) {
                pgbench(List.of("-n", "-S", "-c", "8", "-j", "2", "-T", Integer.toString(Math.max(5, seconds / 2))), port);
            }
            System.out.printf("%-26s %8s %12s %12s %8s %14s%n", "workload", "clients", "direct tps", "proxy tps",
                    "ratio", "added latency");
            for (String workload : List.of("select-only", "tpcb-like")) {
                for (int clients : List.of(8, 64)) {
                    List<String> a = new ArrayList<>(List.of("-n", "-c", Integer.toString(clients), "-j", "2", "-T",
                            Integer.toString(seconds)));
                    if (workload.equals("select-only")) {
                        a.add("-S");
                    }
                    Run direct = parse(pgbench(a, directPort));
                    Run proxied = parse(pgbench(a, proxyPort));
                    System.out.printf("%-26s %8d %12.0f %12.0f %8.2f %11.0f µs%n", workload, clients, direct.tps,
                            proxied.tps, proxied.tps / direct.tps, (proxied.latencyMs - direct.latencyMs) * 1000);
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

    static String pgbench(List<String> args, int port) throws IOException, InterruptedException {
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

    static Run parse(String out) {
        Matcher t = TPS.matcher(out);
        Matcher l = LATENCY.matcher(out);
        if (!t.find() || !l.find()) {
            throw new IllegalStateException("cannot read pgbench's output:\n" + out);
        }
        return new Run(Double.parseDouble(t.group(1)), Double.parseDouble(l.group(1)));
    }
}
