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

    /** Options of a local cluster; the defaults are the design's scenario (2 servers + 1 witness). */
    public static final class Options {
        int postgresNodes = 2;
        int witnesses = 1;
        boolean proxies = false;
        Path dir;
        String name = "local";
        boolean detached;
        IntFunction<String> hostOf = i -> "127.0.0.1";
        IntFunction<List<String>> processPrefix = i -> List.of();
        int proxyRwPort;
        int proxyRoPort;
        boolean metrics;
        LogFormat logFormat = LogFormat.TEXT;
        boolean secured;
        boolean adminConsoles;
        boolean healthChecks;
        boolean archive;
        final Map<String, Map<String, Object>> sections = new LinkedHashMap<>();

        public Options postgresNodes(int n) {
            this.postgresNodes = n;
            return this;
        }

        public Options witnesses(int n) {
            this.witnesses = n;
            return this;
        }

        public Options proxies(boolean on) {
            this.proxies = on;
            return this;
        }

        /** Where the cluster lives (kept on close); default: a new temporary directory, removed on close. */
        public Options dir(Path d) {
            this.dir = d;
            return this;
        }

        /** Processes in their own session, outliving this JVM (the demo's --detach); pids in {@code dir/pids}. */
        public Options detached(boolean d) {
            this.detached = d;
            return this;
        }

        public Options name(String n) {
            this.name = n;
            return this;
        }

        /**
         * Node i listens on 127.0.0.(11+i) instead of 127.0.0.1, so that faults can cut the
         * traffic between two nodes with firewall rules on their addresses.
         */
        public Options distinctLoopbackAddresses() {
            this.hostOf = i -> "127.0.0." + (11 + i);
            return this;
        }

        /** Node i's address, for clusters placed in network namespaces by the caller. */
        public Options hosts(IntFunction<String> hostOfNode) {
            this.hostOf = hostOfNode;
            return this;
        }

        /**
         * Words put before node i's agent and proxy command lines, e.g. {@code ip netns exec NS}
         * to run them inside that node's network namespace (with {@link #hosts}); the command
         * must exec the rest, so that the harness's pid is the process's own.
         */
        public Options processPrefix(IntFunction<List<String>> prefixOfNode) {
            this.processPrefix = prefixOfNode;
            return this;
        }

        /**
         * Every node's proxy on the same two ports, as on real hosts: a client then reaches the
         * read-write proxy at VIP:rw wherever the VIP is. Only for nodes on distinct hosts.
         */
        public Options proxyPorts(int readWrite, int readOnly) {
            this.proxyRwPort = readWrite;
            this.proxyRoPort = readOnly;
            return this;
        }

        /** Every agent and proxy serves Prometheus metrics, each on a free port ({@code metrics_port} in the config). */
        public Options metrics(boolean on) {
            this.metrics = on;
            return this;
        }

        /** How the agents and proxies write their logs ({@code --log-format}); default text. */
        public Options logFormat(LogFormat format) {
            this.logFormat = format;
            return this;
        }

        /**
         * TLS and token authentication on, as production runs: a CA and every node's certificate
         * and key in {@code dir/tls} (made with openssl), and the tokens {@code admin} (role admin,
         * the harness's and the CLI's), {@code read} (role read) and {@code proxy} (role read, the
         * proxies'), each in {@code dir/tls/<name>.token} (see {@link LocalCluster#token}).
         */
        public Options secured() {
            this.secured = true;
            return this;
        }

        /** Every agent serves the PostgreSQL-protocol admin console, each on a free port ({@code admin_sql_port}). */
        public Options adminConsoles() {
            this.adminConsoles = true;
            return this;
        }

        /** Every agent serves HTTP health checks for load balancers, each on a free port ({@code health_port}). */
        public Options healthChecks() {
            this.healthChecks = true;
            return this;
        }

        /** A WAL archive every server shares: {@code archive.directory} = the cluster's directory/archive. */
        public Options archive() {
            this.archive = true;
            return this;
        }

        /** Sets {@code section.key} in the config, e.g. {@code set("failover", "fence_timeout", "2s")}. */
        public Options set(String section, String key, Object value) {
            sections.computeIfAbsent(section, k -> new LinkedHashMap<>()).put(key, value);
            return this;
        }
    }

    public static Options options() {
        return new Options();
    }

    /** Writes the config and starts every agent (and proxy); does not wait for health. */
    public static LocalCluster start(Options o) {
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
    public static LocalCluster create(Options o) {
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

    /** A token of a {@link Options#secured()} cluster: {@code admin}, {@code read} or {@code proxy}. */
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
