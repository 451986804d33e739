package io.raftpool.harness.bench;

import io.raftpool.config.NodeConfig;
import io.raftpool.harness.ClusterOptions;
import io.raftpool.harness.LocalCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the proxy costs: pgbench straight to the primary against pgbench through a proxy's
 * read-write port, and with {@code -Draftpool.bench.peers=true} (bench/run.sh proxy-peers) through
 * pgbouncer (session mode) and haproxy (tcp mode) in front of the same primary too. Select-only
 * with 1, 8 and 64 clients, the TPC-B-like mix with 8 and 64; the paths alternate within each
 * round (each round starts one path later), so that drift of the machine falls on all alike, and
 * the median of the rounds is reported. Per path: throughput and its ratio to direct, median
 * latency from pgbench's per-transaction log and what the hop adds to it, and the relay's CPU
 * time per transaction (from /proc). Then the resident memory of raftpool's proxy (and
 * pgbouncer's) with 1,000 idle client sessions. Everything shares this machine's cores.
 *
 * <p>Usage: {@code java [-Draftpool.bench.peers=true] -cp cli/target/raftpool.jar io.raftpool.harness.bench.ProxyBench
 * [seconds] [sessions] [rounds]}
 */
public final class ProxyBench {

    /** A way to the primary: straight, or through a relay whose process is {@code pid} (0: none). */
    record Route(String name, int port, long pid) {}

    record Sample(double tps, double ratio, double medianUs, double addedUs, double cpuUs) {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean peers = Boolean.getBoolean("raftpool.bench.peers");
        ClusterOptions options = LocalCluster.options().name("proxybench").proxies(true)
                .set("postgres", "parameters", Map.of("max_connections", Integer.toString(sessions + 200),
                        "shared_buffers", "128MB"));
        try (LocalCluster cluster = LocalCluster.start(options)) {
            cluster.awaitHealthy(Duration.ofSeconds(120));
            NodeConfig primary = cluster.config().requireNode(0);
            int directPort = primary.requirePostgres().port();
            List<Route> paths = new ArrayList<>(List.of(new Route("direct", directPort, 0),
                    new Route("raftpool", primary.proxy().orElseThrow().rwPort(), cluster.proxy(0).pid())));
            Path peerDir = cluster.dir().resolve("peers");
            try (PeerRelays relays = peers
                    ? PeerRelays.start(directPort, sessions, primary.requirePostgres().osUser(), peerDir)
                    : null) {
                if (relays != null) {
                    relays.relays().forEach(r -> paths.add(new Route(r.name(), r.port(), r.pid())));
                }
                Pgbench.output(List.of("-i", "-q", "-s", "10"), directPort);
                // warm-up, not counted: the proxy's JIT compiles its hot paths in the first seconds,
                // and on a small machine the compiler's own CPU time would be charged to the proxy
                for (Route p : paths) {
                    Pgbench.output(Pgbench.timed("select-only", 8, Math.max(5, seconds / 2)), p.port());
                }
                System.out.printf("%d s per run, %d rounds, paths %s%n", seconds, rounds,
                        paths.stream().map(Route::name).toList());
                System.out.printf("%-12s %7s %-10s %9s %6s %-22s %11s %11s %10s%n", "workload", "clients", "path",
                        "tps", "ratio", "ratios", "median lat", "added", "CPU/txn");
                // one client: the hop's own latency, with the cores idle; 8 and 64: the cores saturated
                for (String workload : List.of("select-only", "tpcb-like")) {
                    for (int clients : workload.equals("select-only") ? List.of(1, 8, 64) : List.of(8, 64)) {
                        report(workload, clients, paths, measure(Pgbench.timed(workload, clients, seconds), paths,
                                rounds));
                    }
                }
                for (Route p : paths.subList(1, paths.size())) {
                    if (!p.name().equals("haproxy")) {
                        idleSessions(p, sessions);
                    }
                }
            }
        }
    }

    /** Every path once per round, each round starting one path later; samples by path name. */
    static Map<String, List<Sample>> measure(List<String> args, List<Route> paths, int rounds) throws Exception {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        paths.forEach(p -> samples.put(p.name(), new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            Map<String, Pgbench.Run> runs = new LinkedHashMap<>();
            Map<String, Double> cpu = new LinkedHashMap<>();
            for (int i = 0; i < paths.size(); i++) {
                Route p = paths.get((i + round) % paths.size());
                long before = p.pid() == 0 ? 0 : ProcFs.cpuMicros(p.pid());
                Pgbench.Run run = Pgbench.run(args, p.port());
                long used = p.pid() == 0 ? 0 : ProcFs.cpuMicros(p.pid()) - before;
                runs.put(p.name(), run);
                cpu.put(p.name(), used / (double) run.transactions());
            }
            Pgbench.Run direct = runs.get("direct");
            for (Route p : paths) {
                Pgbench.Run run = runs.get(p.name());
                samples.get(p.name()).add(new Sample(run.tps(), run.tps() / direct.tps(), run.medianUs(),
                        run.medianUs() - direct.medianUs(), cpu.get(p.name())));
            }
        }
        return samples;
    }

    private static void report(String workload, int clients, List<Route> paths, Map<String, List<Sample>> samples) {
        for (Route p : paths) {
            List<Sample> s = samples.get(p.name());
            boolean direct = p.pid() == 0;
            System.out.printf("%-12s %7d %-10s %9.0f %6s %-22s %8.0f µs %8s %10s%n", workload, clients, p.name(),
                    median(s.stream().map(Sample::tps).toList()),
                    direct ? "" : String.format("%.2f", median(s.stream().map(Sample::ratio).toList())),
                    direct ? "" : s.stream().map(x -> String.format("%.2f", x.ratio())).toList().toString(),
                    median(s.stream().map(Sample::medianUs).toList()),
                    direct ? "" : String.format("%+.0f µs", median(s.stream().map(Sample::addedUs).toList())),
                    direct ? "" : String.format("%.1f µs", median(s.stream().map(Sample::cpuUs).toList())));
        }
    }

    static void idleSessions(Route relay, int sessions) throws SQLException {
        long before = ProcFs.rssKb(relay.pid());
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + relay.port()
                        + "/postgres?user=postgres&sslmode=disable&connectTimeout=10");
                c.createStatement().execute("select 1");
                open.add(c);
            }
            long with = ProcFs.rssKb(relay.pid());
            System.out.printf("%s resident memory: %d MB at rest, %d MB with %d idle client sessions (%.1f kB each)%n",
                    relay.name(), before / 1024, with / 1024, open.size(), (with - before) / (double) open.size());
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
}
