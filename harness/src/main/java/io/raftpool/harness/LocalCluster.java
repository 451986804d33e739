package io.raftpool.harness;

import io.raftpool.api.AdminClient;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.LogFormat;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.RaftInfo;
import io.raftpool.server.postgres.OsCommand;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.security.CliCredentials;
import io.raftpool.server.state.ClusterStates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * A cluster of real processes on this machine: PostgreSQL servers, one agent per node and
 * optionally a proxy per node, on loopback with free ports, in one directory. The demo, the
 * tests and the chaos runs all start clusters through this class.
 *
 * <p>The agents bootstrap PostgreSQL themselves from the config the harness writes
 * ({@link ClusterConfigFile}), exactly as on real hosts; the harness only starts processes
 * ({@link ClusterProcesses}), waits, and injects faults.
 */
public final class LocalCluster implements AutoCloseable {
    public static final String AGENT_MAIN = "io.raftpool.server.AgentMain";
    public static final String PROXY_MAIN = "io.raftpool.proxy.ProxyMain";

    private final Path dir;
    private final Path configPath;
    private volatile ClusterConfig config;
    private final boolean deleteOnClose;
    private final ClusterProcesses processes;
    private AdminClient admin;

    private LocalCluster(Path dir, Path configPath, ClusterConfig config, boolean deleteOnClose,
                         ClusterProcesses processes) {
        this.dir = dir;
        this.configPath = configPath;
        this.config = config;
        this.deleteOnClose = deleteOnClose;
        this.processes = processes;
        for (NodeConfig n : config.nodes()) {
            processes.register(n, config);
        }
    }

    /**
     * Adds a PostgreSQL node to the config file (as an operator edits it on every host before
     * add-node) and prepares its processes; its agent is not started. Returns its id.
     */
    public synchronized int addPostgresNodeToConfig() {
        int id = ClusterConfigFile.addPostgresNode(configPath, config, dir);
        config = ConfigLoader.load(configPath);
        NodeConfig added = config.requireNode(id);
        OsCommand.forUser(added.requirePostgres().osUser())
                .ensureDirectory(added.requirePostgres().dataDir().getParent(), "rwx------");
        processes.register(added, config);
        return id;
    }

    public static ClusterOptions options() {
        return new ClusterOptions();
    }

    /** Writes the config and starts every agent (and proxy); does not wait for health. */
    public static LocalCluster start(ClusterOptions o) {
        LocalCluster cluster = create(o);
        try {
            cluster.startAll();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Writes the config and prepares the processes without starting them. */
    public static LocalCluster create(ClusterOptions o) {
        Preflight.check();
        boolean temporary = o.dir == null;
        Path dir = ClusterDir.prepare(o.dir);
        Path configPath = dir.resolve("raftpool.yaml");
        if (!Files.exists(configPath)) {
            ClusterConfigFile.write(o, dir, configPath);
        }
        ClusterConfig config = ConfigLoader.load(configPath);
        for (NodeConfig n : config.postgresNodes()) {
            OsCommand os = OsCommand.forUser(n.requirePostgres().osUser());
            os.ensureDirectory(n.requirePostgres().dataDir().getParent(), "rwx------");
        }
        return new LocalCluster(dir, configPath, config, temporary,
                new ClusterProcesses(new NodeCommands(dir, configPath, o.detached, o.processPrefix, o.logFormat), o.proxies));
    }

    public void startAll() {
        processes.startAll();
    }

    public Path dir() {
        return dir;
    }

    public Path configPath() {
        return configPath;
    }

    public ClusterConfig config() {
        return config;
    }

    public ManagedProcess agent(int id) {
        return ClusterProcesses.require(processes.agents, id, "agent");
    }

    public ManagedProcess proxy(int id) {
        return ClusterProcesses.require(processes.proxies, id, "proxy");
    }

    public Map<Integer, ManagedProcess> agents() {
        return processes.agents;
    }

    public Map<Integer, ManagedProcess> proxies() {
        return processes.proxies;
    }

    /** The one process runner for node {@code id}'s PostgreSQL server, for checks and faults. */
    public PostgresServer postgres(int id) {
        return ClusterProcesses.require(processes.servers, id, "PostgreSQL server");
    }

    /** A client of every agent, with the cluster's TLS and the CLI's token when security is on. */
    public synchronized AdminClient admin() {
        if (admin == null) {
            List<String> addresses = config.nodes().stream().map(NodeConfig::adminAddress).toList();
            admin = AdminClient.connect(addresses, Duration.ofSeconds(2), CliCredentials.of(config));
        }
        return admin;
    }

    /** A token of a {@link ClusterOptions#secured()} cluster: {@code admin}, {@code read} or {@code proxy}. */
    public String token(String name) {
        return SecuredFiles.token(dir.resolve(SecuredFiles.DIR), name);
    }

    /** The committed state as some live agent knows it, or empty when none answers. */
    public Optional<ClusterState> state() {
        try {
            return Optional.of(admin().getState().getState());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The node whose live agent says it is the Raft leader in the newest term; -1 when none does. */
    public int raftLeader() {
        int leader = -1;
        long term = -1;
        for (NodeConfig n : config.nodes()) {
            if (!agent(n.id()).isAlive()) {
                continue;
            }
            try {
                RaftInfo info = admin().getRaftInfo(n.adminAddress());
                if (info.getRole().equals("LEADER") && info.getTerm() > term) {
                    leader = n.id();
                    term = info.getTerm();
                }
            } catch (RuntimeException e) {
                // not answering: paused, cut off or starting
            }
        }
        return leader;
    }

    /** Waits until the committed state satisfies {@code condition}; fails with the last state seen. */
    public ClusterState awaitState(String what, Duration timeout, Predicate<ClusterState> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<ClusterState> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            Optional<ClusterState> s = state();
            if (s.isPresent()) {
                last = s;
                if (holds(condition, s.get())) {
                    return s.get();
                }
            }
            pause(50);
        }
        throw new HarnessException("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + "; last state seen: " + last.map(ClusterHealth::summary).orElse("no agent answered")
                + "; logs kept in " + keepLogs() + "; agents' last warnings:" + ClusterDir.agentLogDigest(dir, 6));
    }

    /** Copies the processes' logs where they outlive the cluster's directory (see {@link ClusterDir#keepLogs}). */
    public Path keepLogs() {
        return ClusterDir.keepLogs(dir, configPath, config);
    }

    /** A condition that cannot be evaluated yet (a process still starting) does not hold yet. */
    private static boolean holds(Predicate<ClusterState> condition, ClusterState s) {
        try {
            return condition.test(s);
        } catch (RuntimeException | AssertionError e) {
            return false;
        }
    }

    /**
     * One primary active, every server up, every standby streaming, and every agent a settled Raft
     * voter that has taken its start-up decision ({@link ClusterHealth#everyAgentSettled}).
     */
    public ClusterState awaitHealthy(Duration timeout) {
        return awaitState(ClusterHealth.HEALTHY, timeout,
                s -> ClusterHealth.healthy(s) && ClusterHealth.everyAgentSettled(s, id -> raftInfoOf(s, id)));
    }

    /** This node's agent's Raft view; empty when it does not answer. */
    private Optional<RaftInfo> raftInfoOf(ClusterState s, int id) {
        try {
            return ClusterStates.node(s, id).map(n -> admin().getRaftInfo(n.getHost() + ":" + n.getAdminPort()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public String jdbcUrl(int id) {
        NodeConfig n = config.requireNode(id);
        return "jdbc:postgresql://" + n.host() + ":" + n.requirePostgres().port() + "/postgres?user=postgres";
    }

    /** Stops everything: proxies, agents (SIGTERM, then SIGKILL), PostgreSQL servers; removes a temporary directory. */
    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        processes.stopAll();
        if (deleteOnClose && !Boolean.getBoolean("raftpool.keepClusterDirs")) {
            ClusterDir.deleteTree(dir);
        }
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted", e);
        }
    }
}
