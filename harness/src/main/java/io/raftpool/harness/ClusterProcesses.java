package io.raftpool.harness;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.LogFormat;
import io.raftpool.config.NodeConfig;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.ServerSettings;
import io.raftpool.server.postgres.StopMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The processes of a local cluster, by node: an agent each, a proxy where wanted, and the one
 * PostgreSQL runner of each server; started together (their pids recorded) and stopped together.
 */
final class ClusterProcesses {
    private final Path dir;
    private final Path configPath;
    private final boolean withProxies;
    private final boolean detached;
    private final IntFunction<List<String>> processPrefix;
    private final LogFormat logFormat;
    final Map<Integer, ManagedProcess> agents = new TreeMap<>();
    final Map<Integer, ManagedProcess> proxies = new TreeMap<>();
    final Map<Integer, PostgresServer> servers = new TreeMap<>();

    ClusterProcesses(Path dir, Path configPath, boolean withProxies, boolean detached,
                     IntFunction<List<String>> processPrefix, LogFormat logFormat) {
        this.dir = dir;
        this.configPath = configPath;
        this.withProxies = withProxies;
        this.detached = detached;
        this.processPrefix = processPrefix;
        this.logFormat = logFormat;
    }

    /** The processes and the PostgreSQL runner of one node of the config. */
    void register(NodeConfig n, ClusterConfig config) {
        List<String> args = List.of("--config", configPath.toString(), "--node-id", Integer.toString(n.id()),
                "--log-format", logFormat.label());
        List<String> prefix = processPrefix.apply(n.id());
        // a secured cluster's agents hash every new token: C1-only code does that four times slower
        List<String> jvm = config.security().auth() ? List.of() : ManagedProcess.testJvmOptions();
        agents.put(n.id(), new ManagedProcess("agent " + n.id(),
                prefixed(prefix, ManagedProcess.javaCommand(LocalCluster.AGENT_MAIN, args, "192m", detached, jvm)),
                dir.resolve("logs/agent-" + n.id() + ".log")));
        if (withProxies && n.proxy().isPresent()) {
            proxies.put(n.id(), new ManagedProcess("proxy " + n.id(),
                    prefixed(prefix, ManagedProcess.javaCommand(LocalCluster.PROXY_MAIN, args, "256m", detached, jvm)),
                    dir.resolve("logs/proxy-" + n.id() + ".log")));
        }
        n.postgres().ifPresent(pg -> servers.put(n.id(),
                new PostgresServer(ServerSettings.of(n, config.replication(), System.getenv()))));
    }

    private static List<String> prefixed(List<String> prefix, List<String> command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(command);
        return all;
    }

    /** Every agent, then every proxy; their pids go to {@code dir/pids} for a later stop from another process. */
    void startAll() {
        agents.values().forEach(ManagedProcess::start);
        proxies.values().forEach(ManagedProcess::start);
        PidFile.write(dir.resolve("pids"), configPath, agents.values(), proxies.values());
    }

    /** Proxies, agents (SIGTERM, then SIGKILL), then PostgreSQL servers; a server that will not stop is reported, not thrown. */
    void stopAll() {
        proxies.values().forEach(p -> p.stop(Duration.ofSeconds(5)));
        agents.values().forEach(p -> p.stop(Duration.ofSeconds(5)));
        for (PostgresServer pg : servers.values()) {
            try {
                pg.stop(StopMode.IMMEDIATE, Duration.ofSeconds(30));
            } catch (RuntimeException | LinkageError e) {
                System.err.println("harness: could not stop PostgreSQL in " + pg.settings().dataDir() + ": " + e.getMessage());
            }
        }
    }

    static <T> T require(Map<Integer, T> map, int id, String what) {
        T t = map.get(id);
        if (t == null) {
            throw new HarnessException("node " + id + " has no " + what + "; nodes: " + map.keySet());
        }
        return t;
    }
}
