package io.raftpool.harness;

import io.raftpool.server.security.CliCredentials;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.raftpool.api.AdminClient;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.LogFormat;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.Command;
import io.raftpool.server.postgres.OsCommand;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.ServerSettings;
import io.raftpool.server.postgres.StopMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A cluster of real processes on this machine: PostgreSQL servers, one agent per node and
 * optionally a proxy per node, on loopback with free ports, in one directory. The demo, the
 * tests and the chaos runs all start clusters through this class.
 *
 * <p>The agents bootstrap PostgreSQL themselves from the config the harness writes, exactly as
 * on real hosts; the harness only starts processes, waits, and injects faults.
 */
public final class LocalCluster implements AutoCloseable {
    public static final String AGENT_MAIN = "io.raftpool.server.AgentMain";
    public static final String PROXY_MAIN = "io.raftpool.proxy.ProxyMain";

    private final Path dir;
    private final Path configPath;
    private volatile ClusterConfig config;
    private final boolean deleteOnClose;
    private final boolean withProxies;
    private final boolean detached;
    private final java.util.function.IntFunction<List<String>> processPrefix;
    private final LogFormat logFormat;
    private final Map<Integer, ManagedProcess> agents = new TreeMap<>();
    private final Map<Integer, ManagedProcess> proxies = new TreeMap<>();
    private final Map<Integer, PostgresServer> servers = new TreeMap<>();
    private AdminClient admin;

    private LocalCluster(Path dir, Path configPath, ClusterConfig config, boolean deleteOnClose, boolean withProxies,
                         boolean detached, java.util.function.IntFunction<List<String>> processPrefix,
                         LogFormat logFormat) {
        this.dir = dir;
        this.configPath = configPath;
        this.config = config;
        this.deleteOnClose = deleteOnClose;
        this.withProxies = withProxies;
        this.detached = detached;
        this.processPrefix = processPrefix;
        this.logFormat = logFormat;
        for (NodeConfig n : config.nodes()) {
            register(n);
        }
    }

    /** The processes and the PostgreSQL runner of one node of the config. */
    private void register(NodeConfig n) {
        List<String> args = List.of("--config", configPath.toString(), "--node-id", Integer.toString(n.id()),
                "--log-format", logFormat.label());
        List<String> prefix = processPrefix.apply(n.id());
        // a secured cluster's agents hash every new token: C1-only code does that four times slower
        List<String> jvm = config.security().auth() ? List.of() : ManagedProcess.testJvmOptions();
        agents.put(n.id(), new ManagedProcess("agent " + n.id(),
                prefixed(prefix, ManagedProcess.javaCommand(AGENT_MAIN, args, "192m", detached, jvm)),
                dir.resolve("logs/agent-" + n.id() + ".log")));
        if (withProxies && n.proxy().isPresent()) {
            proxies.put(n.id(), new ManagedProcess("proxy " + n.id(),
                    prefixed(prefix, ManagedProcess.javaCommand(PROXY_MAIN, args, "256m", detached, jvm)),
                    dir.resolve("logs/proxy-" + n.id() + ".log")));
        }
        n.postgres().ifPresent(pg -> servers.put(n.id(),
                new PostgresServer(ServerSettings.of(n, config.replication(), System.getenv()))));
    }

    /**
     * Adds a PostgreSQL node to the config file (as an operator edits it on every host before
     * add-node) and prepares its processes; its agent is not started. Returns its id.
     */
    public synchronized int addPostgresNodeToConfig() {
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
            @SuppressWarnings("unchecked")
            Map<String, Object> root = yaml.readValue(configPath.toFile(), LinkedHashMap.class);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> nodes = (List<Map<String, Object>>) root.get("nodes");
            int id = config.nodes().stream().mapToInt(NodeConfig::id).max().orElse(-1) + 1;
            List<Integer> ports = FreePorts.take(5);
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("id", id);
            n.put("name", "pgsql" + (id + 1));
            n.put("host", config.nodes().get(0).host());
            n.put("raft_port", ports.get(0));
            n.put("admin_port", ports.get(1));
            n.put("agent_dir", dir.resolve("node" + id + "/agent").toString());
            n.put("proxy", new LinkedHashMap<>(Map.of("rw_port", ports.get(2), "ro_port", ports.get(3))));
            n.put("postgres", new LinkedHashMap<>(Map.of("port", ports.get(4),
                    "data_dir", dir.resolve("node" + id + "/pg/data").toString())));
            nodes.add(n);
            Files.writeString(configPath, "# written by raftpool's local cluster harness\n" + yaml.writeValueAsString(root));
            config = ConfigLoader.load(configPath);
            NodeConfig added = config.requireNode(id);
            OsCommand.forUser(added.requirePostgres().osUser())
                    .ensureDirectory(added.requirePostgres().dataDir().getParent(), "rwx------");
            register(added);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add a node to " + configPath + ": " + e.getMessage(), e);
        }
    }

    private static List<String> prefixed(List<String> prefix, List<String> command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(command);
        return all;
    }

    /** Options of a local cluster; the defaults are the design's scenario (2 servers + 1 witness). */
    public static final class Options {
        private int postgresNodes = 2;
        private int witnesses = 1;
        private boolean proxies = false;
        private Path dir;
        private String name = "local";
        private boolean detached;
        private java.util.function.IntFunction<String> hostOf = i -> "127.0.0.1";
        private java.util.function.IntFunction<List<String>> processPrefix = i -> List.of();
        private int proxyRwPort;
        private int proxyRoPort;
        private boolean metrics;
        private LogFormat logFormat = LogFormat.TEXT;
        private boolean secured;
        private boolean adminConsoles;
        private final Map<String, Map<String, Object>> sections = new LinkedHashMap<>();

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
        public Options hosts(java.util.function.IntFunction<String> hostOfNode) {
            this.hostOf = hostOfNode;
            return this;
        }

        /**
         * Words put before node i's agent and proxy command lines, e.g. {@code ip netns exec NS}
         * to run them inside that node's network namespace (with {@link #hosts}); the command
         * must exec the rest, so that the harness's pid is the process's own.
         */
        public Options processPrefix(java.util.function.IntFunction<List<String>> prefixOfNode) {
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
        Path dir;
        try {
            dir = temporary ? Files.createTempDirectory(Path.of("/tmp"), "raftpool-") : o.dir.toAbsolutePath();
            Files.createDirectories(dir.resolve("logs"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster directory: " + e.getMessage(), e);
        }
        Path configPath = dir.resolve("raftpool.yaml");
        if (!Files.exists(configPath)) {
            writeConfig(o, dir, configPath);
        }
        ClusterConfig config = ConfigLoader.load(configPath);
        for (NodeConfig n : config.postgresNodes()) {
            OsCommand os = OsCommand.forUser(n.requirePostgres().osUser());
            os.ensureDirectory(n.requirePostgres().dataDir().getParent(), "rwx------");
        }
        return new LocalCluster(dir, configPath, config, temporary, o.proxies, o.detached, o.processPrefix, o.logFormat);
    }

    private static void writeConfig(Options o, Path dir, Path configPath) {
        int nodes = o.postgresNodes + o.witnesses;
        int perNode = o.metrics ? 7 : 5;
        List<Integer> ports = FreePorts.take(nodes * perNode);
        List<Integer> consolePorts = o.adminConsoles ? FreePorts.take(nodes) : List.of();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("cluster", new LinkedHashMap<>(Map.of("name", o.name)));
        Map<String, Object> postgres = new LinkedHashMap<>();
        String net = o.hostOf.apply(0).startsWith("127.") ? "127.0.0.0/8" : "samenet";
        postgres.put("hba", List.of("host all all " + net + " trust", "host replication all " + net + " trust"));
        root.put("postgres", postgres);
        List<Map<String, Object>> nodeList = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            boolean witness = i >= o.postgresNodes;
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("id", i);
            n.put("name", witness ? (o.witnesses == 1 ? "witness" : "witness" + (i - o.postgresNodes + 1)) : "pgsql" + (i + 1));
            n.put("host", o.hostOf.apply(i));
            int at = i * perNode;
            n.put("raft_port", ports.get(at));
            n.put("admin_port", ports.get(at + 1));
            if (o.metrics) {
                n.put("metrics_port", ports.get(at + 5));
            }
            if (o.adminConsoles) {
                n.put("admin_sql_port", consolePorts.get(i));
            }
            n.put("agent_dir", dir.resolve("node" + i + "/agent").toString());
            Map<String, Object> proxy = new LinkedHashMap<>(Map.of("rw_port", o.proxyRwPort > 0 ? o.proxyRwPort : ports.get(at + 2),
                    "ro_port", o.proxyRoPort > 0 ? o.proxyRoPort : ports.get(at + 3)));
            if (o.metrics) {
                proxy.put("metrics_port", ports.get(at + 6));
            }
            n.put("proxy", proxy);
            if (witness) {
                n.put("witness", true);
            } else {
                n.put("postgres", new LinkedHashMap<>(Map.of("port", ports.get(at + 4),
                        "data_dir", dir.resolve("node" + i + "/pg/data").toString())));
            }
            nodeList.add(n);
        }
        if (o.secured) {
            root.put("security", SecuredFiles.write(dir.resolve(SecuredFiles.DIR), nodeList));
        }
        for (var e : o.sections.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> section = (Map<String, Object>) root.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>());
            section.putAll(e.getValue());
        }
        root.put("nodes", nodeList);
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
            Files.writeString(configPath, "# written by raftpool's local cluster harness\n" + yaml.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configPath + ": " + e.getMessage(), e);
        }
    }

    public void startAll() {
        agents.values().forEach(ManagedProcess::start);
        proxies.values().forEach(ManagedProcess::start);
        PidFile.write(dir.resolve("pids"), configPath, agents.values(), proxies.values());
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
        return require(agents, id, "agent");
    }

    public ManagedProcess proxy(int id) {
        return require(proxies, id, "proxy");
    }

    public Map<Integer, ManagedProcess> agents() {
        return agents;
    }

    public Map<Integer, ManagedProcess> proxies() {
        return proxies;
    }

    /** The one process runner for node {@code id}'s PostgreSQL server, for checks and faults. */
    public PostgresServer postgres(int id) {
        return require(servers, id, "PostgreSQL server");
    }

    /**
     * Runs {@code sql} on node {@code id}'s stopped server in single-user mode (no socket, so no
     * one else sees it): WAL the current primary never had, as an old primary that took writes
     * after a failover would have. Single-user mode refuses a standby set-up, which its agent may
     * already have written, so that goes first.
     */
    public void divergeWhileDown(int id, String sql) {
        ServerSettings settings = postgres(id).settings();
        if (postgres(id).isRunning()) {
            throw new HarnessException("node " + id + "'s PostgreSQL runs; stop it before writing in single-user mode");
        }
        OsCommand.forUser(config.requireNode(id).requirePostgres().osUser()).run(Command.of(Duration.ofSeconds(60),
                "/bin/sh", "-c", "rm -f " + settings.dataDir().resolve("standby.signal") + " && echo \"" + sql
                        + "\" | exec " + settings.bin("postgres") + " --single -D " + settings.dataDir() + " postgres")
                .named("postgres --single"));
    }

    private static <T> T require(Map<Integer, T> map, int id, String what) {
        T t = map.get(id);
        if (t == null) {
            throw new HarnessException("node " + id + " has no " + what + "; nodes: " + map.keySet());
        }
        return t;
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
                + "; last state seen: " + last.map(LocalCluster::summary).orElse("no agent answered")
                + "; logs kept in " + keepLogs());
    }

    /**
     * Copies the agents', proxies' and PostgreSQL servers' logs to target/cluster-logs/ of the
     * working directory, which outlives the cluster's temporary directory: what a failed test
     * (in CI too) leaves to look at.
     */
    public Path keepLogs() {
        Path to = Path.of("target", "cluster-logs", dir.getFileName().toString()).toAbsolutePath();
        try {
            Files.createDirectories(to);
            try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
                for (Path p : logs.toList()) {
                    Files.copy(p, to.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (NodeConfig n : config.postgresNodes()) {
                Path pgLog = ServerSettings.defaultLogFile(n.requirePostgres().dataDir());
                if (Files.exists(pgLog)) {
                    Files.copy(pgLog, to.resolve("postgres-" + n.id() + ".log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.copy(configPath, to.resolve("raftpool.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            return dir.resolve("logs");
        }
        return to;
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
     * One primary active, every server up, every standby streaming, and every agent a Raft voter
     * (a new cluster grows its Raft group after it has a primary; until then it survives no loss
     * of the agent that formed it).
     */
    public ClusterState awaitHealthy(Duration timeout) {
        return awaitState("a healthy cluster (primary active, all servers up and streaming, every agent a Raft voter)",
                timeout, s -> healthy(s) && everyAgentVotes(s));
    }

    /** Whether every node of the committed state is a voter of the Raft configuration, as each agent reports it. */
    private boolean everyAgentVotes(ClusterState s) {
        for (io.raftpool.proto.NodeInfo n : s.getNodesList()) {
            try {
                io.raftpool.proto.RaftInfo info = admin().getRaftInfo(n.getHost() + ":" + n.getAdminPort());
                if (info.getVotersCount() != s.getNodesCount() || !info.getVotersList().contains(n.getId())) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    public static boolean healthy(ClusterState s) {
        if (s.getPrimary().getPhase() != PrimaryPhase.ACTIVE || s.getBackendsCount() == 0) {
            return false;
        }
        for (Backend b : s.getBackendsList()) {
            if (b.getStatus() != BackendStatus.UP) {
                return false;
            }
            if (b.getRole() == BackendRole.STANDBY && !"streaming".equals(b.getReplicationState())) {
                return false;
            }
        }
        return true;
    }

    /** Primary, epoch, phase and every server's status and role on one line, for progress lines. */
    public static String stateLine(ClusterState s) {
        StringBuilder b = new StringBuilder("primary node " + s.getPrimary().getNodeId() + " epoch "
                + s.getPrimary().getEpoch() + " " + s.getPrimary().getPhase());
        for (Backend be : s.getBackendsList()) {
            b.append("; node ").append(be.getNodeId()).append(' ').append(be.getStatus()).append('/').append(be.getRole())
                    .append(be.getReplicationState().isEmpty() ? "" : "/" + be.getReplicationState())
                    .append(be.getNeedsRecovery() ? "/needs-recovery" : "");
        }
        return b.toString();
    }

    /** A state with its last events, for failure messages. */
    public static String summary(ClusterState s) {
        StringBuilder b = new StringBuilder(stateLine(s));
        int from = Math.max(0, s.getEventsCount() - 6);
        b.append("; last events:");
        for (int i = from; i < s.getEventsCount(); i++) {
            b.append("\n    [").append(s.getEvents(i).getKind()).append("] ").append(s.getEvents(i).getMessage());
        }
        return b.toString();
    }

    public String jdbcUrl(int id) {
        NodeConfig n = config.requireNode(id);
        return "jdbc:postgresql://" + n.host() + ":" + n.requirePostgres().port() + "/postgres?user=postgres";
    }

    /** Whether any agent or proxy of the cluster in {@code dir} (started by another process) still runs. */
    public static boolean runningIn(Path dir) {
        Path config = dir.toAbsolutePath().resolve("raftpool.yaml");
        return PidFile.read(dir.resolve("pids")).stream().anyMatch(e -> PidFile.isOurs(e.pid(), config));
    }

    /**
     * Stops a cluster that another process started in {@code dir} (the demo's --detach): its
     * agents and proxies by the pids it recorded, then its PostgreSQL servers. Keeps the files,
     * so the same cluster can be started again. Returns how many processes were running.
     */
    public static int stopDetached(Path dir) {
        Path abs = dir.toAbsolutePath();
        Path config = abs.resolve("raftpool.yaml");
        if (!Files.exists(config)) {
            throw new HarnessException("no local cluster in " + abs + " (no raftpool.yaml there)");
        }
        int stopped = PidFile.stopAll(abs.resolve("pids"), config, Duration.ofSeconds(10));
        ClusterConfig cfg = ConfigLoader.load(config);
        for (NodeConfig n : cfg.postgresNodes()) {
            PostgresServer pg = new PostgresServer(ServerSettings.of(n, cfg.replication(), System.getenv()));
            pg.stop(StopMode.FAST, Duration.ofSeconds(60));
        }
        return stopped;
    }

    /** Stops everything: proxies, agents (SIGTERM, then SIGKILL), PostgreSQL servers; removes a temporary directory. */
    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        proxies.values().forEach(p -> p.stop(Duration.ofSeconds(5)));
        agents.values().forEach(p -> p.stop(Duration.ofSeconds(5)));
        for (PostgresServer pg : servers.values()) {
            try {
                pg.stop(StopMode.IMMEDIATE, Duration.ofSeconds(30));
            } catch (RuntimeException | LinkageError e) {
                System.err.println("harness: could not stop PostgreSQL in " + pg.settings().dataDir() + ": " + e.getMessage());
            }
        }
        if (deleteOnClose && !Boolean.getBoolean("raftpool.keepClusterDirs")) {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file is not worth failing a run
                }
            });
        } catch (IOException ignored) {
            // same
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
