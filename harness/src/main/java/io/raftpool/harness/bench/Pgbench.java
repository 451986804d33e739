package io.raftpool.harness.bench;

import io.raftpool.harness.Preflight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PostgreSQL's pgbench against 127.0.0.1:port as user postgres, with the figures the benches report. */
final class Pgbench {
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
    private static final Pattern TRANSACTIONS = Pattern.compile("number of transactions actually processed: ([0-9]+)");

    private Pgbench() {}

    /** One timed run: throughput, transactions done and the median of every transaction's latency. */
    record Run(double tps, long transactions, double medianUs) {}

    /** The arguments of a timed run of {@code workload} ("select-only" or "tpcb-like"). */
    static List<String> timed(String workload, int clients, int seconds) {
        List<String> a = new ArrayList<>(List.of("-n", "-c", Integer.toString(clients), "-j",
                Integer.toString(Math.min(2, clients)), "-T", Integer.toString(seconds)));
        if (workload.equals("select-only")) {
            a.add("-S");
        } else if (!workload.equals("tpcb-like")) {
            throw new IllegalArgumentException("workload '" + workload + "': use select-only or tpcb-like");
        }
        return a;
    }

    /** A timed run, with every transaction's latency logged (pgbench -l) to take the median. */
    static Run run(List<String> args, int port) throws IOException, InterruptedException {
        Path logs = Files.createTempDirectory("raftpool-pgbench");
        try {
            List<String> logged = new ArrayList<>(args);
            logged.addAll(List.of("-l", "--log-prefix=" + logs.resolve("txn")));
            String out = output(logged, port);
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

    static String output(List<String> args, int port) throws IOException, InterruptedException {
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
