package io.raftpool.harness;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.ServerSettings;
import io.raftpool.server.postgres.StopMode;
import io.raftpool.server.watchdog.WatchdogFiles;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The processes of a local cluster, by node: an agent each, a proxy where wanted, and the one
 * PostgreSQL runner of each server; started together (their pids recorded) and stopped together.
 */
final class ClusterProcesses {
    private final NodeCommands commands;
    private final boolean withProxies;
    final Map<Integer, ManagedProcess> agents = new TreeMap<>();
    final Map<Integer, ManagedProcess> proxies = new TreeMap<>();
    final Map<Integer, PostgresServer> servers = new TreeMap<>();
    private final Map<Integer, WatchdogFiles> watchdogs = new TreeMap<>();

    ClusterProcesses(NodeCommands commands, boolean withProxies) {
        this.commands = commands;
        this.withProxies = withProxies;
    }

    /** The processes and the PostgreSQL runner of one node of the config. */
    void register(NodeConfig n, ClusterConfig config) {
        agents.put(n.id(), commands.agent(n, config));
        if (withProxies && n.proxy().isPresent()) {
            proxies.put(n.id(), commands.proxy(n, config));
        }
        n.postgres().ifPresent(pg -> servers.put(n.id(),
                new PostgresServer(ServerSettings.of(n, config, System.getenv()))));
        n.postgres().ifPresent(pg -> watchdogs.put(n.id(), WatchdogFiles.under(n.agentDir())));
    }

    /** Every agent, then every proxy; their pids go to {@code dir/pids} for a later stop from another process. */
    void startAll() {
        agents.values().forEach(ManagedProcess::start);
        proxies.values().forEach(ManagedProcess::start);
        PidFile.write(commands.dir().resolve("pids"), commands.configPath(), agents.values(), proxies.values());
    }

    /** Proxies, agents (SIGTERM, then SIGKILL), then PostgreSQL servers; a server that will not stop is reported, not thrown. */
    void stopAll() {
        proxies.values().forEach(p -> p.stop(Duration.ofSeconds(5)));
        agents.values().forEach(p -> p.stop(Duration.ofSeconds(5)));
        for (Map.Entry<Integer, PostgresServer> e : servers.entrySet()) {
            PostgresServer pg = e.getValue();
            try {
                pg.stop(StopMode.IMMEDIATE, Duration.ofSeconds(30));
                watchdogs.get(e.getKey()).withdrawLease();
            } catch (RuntimeException | LinkageError ex) {
                System.err.println("harness: could not stop PostgreSQL in " + pg.settings().dataDir() + ": " + ex.getMessage());
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
