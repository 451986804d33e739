package io.raftpool.chaos.run;

import io.raftpool.chaos.nemesis.NemesisSpec;
import io.raftpool.chaos.nemesis.Schedule;
import io.raftpool.chaos.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One chaos run's settings. {@code nodes} counts every node: nodes - 1 PostgreSQL servers and
 * one witness (3 nodes = the design's scenario: 2 servers and a witness).
 *
 * @param config          extra cluster settings, section to key to value (e.g. failover.auto_rejoin = true)
 * @param agentJavaOptions JVM options for every agent and proxy (e.g. a test-only -D switch)
 * @param keepCluster     keep the cluster's data directories in the run directory after the run
 * @param pinnedClients   each client reconnects through its own proxy only, like an application
 *                        server that uses the proxy on its host (default: the next proxy in turn)
 * @param directClients   besides the clients through the proxies, one client per PostgreSQL
 *                        server connected straight to its port, keeping its session across faults
 */
public record ChaosOptions(int nodes, String workload, NemesisSpec nemesis, Duration timeLimit, long seed, Path dir,
                           int concurrency, double rate, Duration faultDuration, Duration faultInterval,
                           Duration warmup, Duration recoveryTimeout, Map<String, Map<String, Object>> config,
                           List<String> agentJavaOptions, boolean keepCluster, boolean pinnedClients,
                           boolean directClients) {

    public static final int MAX_NODES = 9;

    public ChaosOptions {
        config = frozen(config);
        agentJavaOptions = List.copyOf(agentJavaOptions);
        List<String> problems = new ArrayList<>();
        if (nodes < 3 || nodes > MAX_NODES) {
            problems.add("--nodes: " + nodes + " is not allowed; 3 to " + MAX_NODES + " (nodes - 1 PostgreSQL servers and a witness)");
        }
        if (!Workload.names().contains(workload)) {
            problems.add("--workload: '" + workload + "' is not a workload; allowed: " + String.join(", ", Workload.names()));
        }
        if (timeLimit.toSeconds() < 5 || timeLimit.toHours() > 24) {
            problems.add("--time-limit: " + timeLimit.toSeconds() + " s is not allowed; 5 s to 24 h");
        }
        if (concurrency < 1 || concurrency > 64) {
            problems.add("--concurrency: " + concurrency + " is not allowed; 1 to 64");
        }
        if (!(rate > 0) || rate > 10_000) {
            problems.add("--rate: " + rate + " is not allowed; more than 0, at most 10000 operations per second");
        }
        if (faultDuration.toMillis() < 1000) {
            problems.add("--fault-duration: " + faultDuration.toMillis() + " ms is not allowed; at least 1 s");
        }
        if (faultInterval.isNegative() || warmup.isNegative()) {
            problems.add("--fault-interval and --warmup must not be negative");
        }
        if (recoveryTimeout.toSeconds() < 1) {
            problems.add("--recovery-timeout: " + recoveryTimeout.toSeconds() + " s is not allowed; at least 1 s");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    /** Defaults: 3 nodes, 4 clients, 100 operations/s, faults of 10 s every 10 s after 5 s of warmup. */
    public static ChaosOptions defaults(String workload, String nemesis, Duration timeLimit, long seed, Path dir) {
        return new ChaosOptions(3, workload, NemesisSpec.parse(nemesis), timeLimit, seed, dir, 4, 100,
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(120),
                Map.of(), List.of(), false, false, true);
    }

    public ChaosOptions withNodes(int n) {
        return new ChaosOptions(n, workload, nemesis, timeLimit, seed, dir, concurrency, rate, faultDuration,
                faultInterval, warmup, recoveryTimeout, config, agentJavaOptions, keepCluster, pinnedClients, directClients);
    }

    public ChaosOptions withFaults(Duration duration, Duration interval, Duration newWarmup) {
        return new ChaosOptions(nodes, workload, nemesis, timeLimit, seed, dir, concurrency, rate, duration, interval,
                newWarmup, recoveryTimeout, config, agentJavaOptions, keepCluster, pinnedClients, directClients);
    }

    public ChaosOptions withLoad(int newConcurrency, double newRate) {
        return new ChaosOptions(nodes, workload, nemesis, timeLimit, seed, dir, newConcurrency, newRate, faultDuration,
                faultInterval, warmup, recoveryTimeout, config, agentJavaOptions, keepCluster, pinnedClients, directClients);
    }

    public ChaosOptions withRecoveryTimeout(Duration t) {
        return new ChaosOptions(nodes, workload, nemesis, timeLimit, seed, dir, concurrency, rate, faultDuration,
                faultInterval, warmup, t, config, agentJavaOptions, keepCluster, pinnedClients, directClients);
    }

    /** Adds {@code section.key = value} to the cluster's config. */
    public ChaosOptions withSetting(String section, String key, Object value) {
        Map<String, Map<String, Object>> c = copy(config);
        c.computeIfAbsent(section, k -> new LinkedHashMap<>()).put(key, value);
        return new ChaosOptions(nodes, workload, nemesis, timeLimit, seed, dir, concurrency, rate, faultDuration,
                faultInterval, warmup, recoveryTimeout, c, agentJavaOptions, keepCluster, pinnedClients, directClients);
    }

    public ChaosOptions withAgentJavaOptions(List<String> options) {
        return new ChaosOptions(nodes, workload, nemesis, timeLimit, seed, dir, concurrency, rate, faultDuration,
                faultInterval, warmup, recoveryTimeout, config, options, keepCluster, pinnedClients, directClients);
    }

    public ChaosOptions withKeepCluster(boolean keep) {
        return new ChaosOptions(nodes, workload, nemesis, timeLimit, seed, dir, concurrency, rate, faultDuration,
                faultInterval, warmup, recoveryTimeout, config, agentJavaOptions, keep, pinnedClients, directClients);
    }

    public ChaosOptions withPinnedClients(boolean pinned) {
        return new ChaosOptions(nodes, workload, nemesis, timeLimit, seed, dir, concurrency, rate, faultDuration,
                faultInterval, warmup, recoveryTimeout, config, agentJavaOptions, keepCluster, pinned, directClients);
    }

    public ChaosOptions withDirectClients(boolean direct) {
        return new ChaosOptions(nodes, workload, nemesis, timeLimit, seed, dir, concurrency, rate, faultDuration,
                faultInterval, warmup, recoveryTimeout, config, agentJavaOptions, keepCluster, pinnedClients, direct);
    }

    public Schedule.Params scheduleParams() {
        return new Schedule.Params(timeLimit.toMillis(), warmup.toMillis(), faultDuration.toMillis(),
                faultInterval.toMillis(), Math.max(5_000, Math.min(faultInterval.toMillis(), 10_000)));
    }

    public Schedule schedule() {
        return Schedule.generate(nemesis, seed, scheduleParams());
    }

    /** Whether commits wait for standbys (sync or quorum mode): then no acknowledged write may be lost. */
    public boolean syncReplication() {
        return !replicationMode().equals("async");
    }

    /** replication.mode as the run's config sets it, lower case; async by default. */
    public String replicationMode() {
        Object mode = config.getOrDefault("replication", Map.of()).get("mode");
        return mode == null ? "async" : mode.toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** The command line that repeats this run (same seed, same schedule and client choices). */
    public String commandLine() {
        StringBuilder b = new StringBuilder("raftpool chaos run --nodes " + nodes + " --workload " + workload
                + " --nemesis " + nemesis.text() + " --time-limit " + timeLimit.toSeconds() + " --seed " + seed
                + " --concurrency " + concurrency + " --rate " + (rate == Math.rint(rate) ? Long.toString((long) rate) : rate)
                + " --fault-duration " + faultDuration.toSeconds() + " --fault-interval " + faultInterval.toSeconds()
                + " --warmup " + warmup.toSeconds() + (pinnedClients ? " --pin-clients" : "")
                + (directClients ? "" : " --no-direct-clients"));
        config.forEach((section, keys) -> keys.forEach((k, v) -> b.append(" --set ").append(section).append('.').append(k)
                .append('=').append(v)));
        return b.toString();
    }

    private static Map<String, Map<String, Object>> copy(Map<String, Map<String, Object>> m) {
        Map<String, Map<String, Object>> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, new LinkedHashMap<>(v)));
        return c;
    }

    private static Map<String, Map<String, Object>> frozen(Map<String, Map<String, Object>> m) {
        Map<String, Map<String, Object>> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        return java.util.Collections.unmodifiableMap(c);
    }
}
