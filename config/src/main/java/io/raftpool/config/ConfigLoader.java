package io.raftpool.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.raftpool.config.NodeRules.NodeEntry;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The one way to read a cluster config: parse the YAML, apply defaults, validate every key and
 * the rules between keys, and either return an immutable {@link ClusterConfig} or throw a
 * {@link ConfigException} naming every problem (key, value, what is allowed). It never
 * corrects a bad value.
 */
public final class ConfigLoader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final String NAME_ALLOWED = "use letters, digits, '.', '_' or '-', starting with a letter"
            + " or digit, at most 63 characters";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");
    /** What an agent needs in bin_dir: to start and stop a server, create one, and rebuild one as a standby. */
    static final List<String> PG_PROGRAMS = List.of("pg_ctl", "initdb", "postgres", "pg_basebackup", "pg_rewind");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate field '(.*)'");
    private static final Duration HOUR = Duration.ofHours(1);

    private ConfigLoader() {}

    public static ClusterConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist; give the path of the cluster"
                    + " YAML file (see examples/scenario-2plus1.yaml)");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, file);
    }

    public static ClusterConfig parse(String yaml, Path source) {
        JsonNode root;
        try {
            // A key given twice would otherwise keep the last value silently.
            YAMLFactory factory = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
            root = new ObjectMapper(factory).readTree(yaml);
        } catch (JsonProcessingException e) {
            throw notYaml(source, e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": expected a YAML mapping with the keys cluster, nodes, ...");
        }
        List<String> problems = new ArrayList<>();
        ClusterConfig config = read(new YamlSection("", root, problems), source, problems);
        if (!problems.isEmpty()) {
            List<String> located = problems.stream().map(p -> source + ": " + p).toList();
            throw new ConfigException(located);
        }
        return config;
    }

    /**
     * Where the YAML parser gave up, in one line. The scanner's own mark is preferred: Jackson's
     * location is that of the last token it read, which can be lines earlier.
     */
    private static ConfigException notYaml(Path source, JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark at = marked.getProblemMark();
                String context = marked.getContext() == null || marked.getContextMark() == null ? ""
                        : " (" + marked.getContext() + " from line " + (marked.getContextMark().getLine() + 1) + ")";
                return new ConfigException(source + ": not valid YAML at line " + (at.getLine() + 1) + ", column "
                        + (at.getColumn() + 1) + ": " + marked.getProblem() + context);
            }
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String problem = e.getOriginalMessage().strip();
        var duplicate = DUPLICATE_KEY.matcher(problem);
        if (duplicate.matches()) {
            problem = "key '" + duplicate.group(1) + "' is given twice in one mapping; give each key once";
        }
        return new ConfigException(source + ": not valid YAML" + where + ": " + problem);
    }

    /**
     * The checks that only make sense on the node itself: its PostgreSQL binaries exist, its
     * OS user exists. Run by an agent at start, not by the CLI (which may run elsewhere).
     * A witness has nothing to check.
     */
    public static void checkLocalNode(ClusterConfig config, int nodeId) {
        NodeConfig node = config.requireNode(nodeId);
        List<String> problems = new ArrayList<>();
        node.postgres().ifPresent(pg -> {
            String where = "nodes[id=" + nodeId + "].postgres.";
            if (!Files.isDirectory(pg.binDir())) {
                problems.add(where + "bin_dir: " + pg.binDir() + " is not a directory; point it at the PostgreSQL"
                        + " binaries (the directory holding pg_ctl), or install them: apt-get install postgresql");
            } else {
                List<String> missing = PG_PROGRAMS.stream().filter(p -> !Files.isExecutable(pg.bin(p))).toList();
                if (!missing.isEmpty()) {
                    problems.add(where + "bin_dir: " + pg.binDir() + " has no executable " + String.join(", ", missing)
                            + "; it must hold the PostgreSQL server programs " + String.join(", ", PG_PROGRAMS)
                            + " (Debian: /usr/lib/postgresql/<version>/bin)");
                }
            }
            if (!osUserExists(pg.osUser())) {
                problems.add(where + "os_user: '" + pg.osUser() + "' is not a user on this machine; create it"
                        + " (useradd) or name the user that runs PostgreSQL here (PostgreSQL refuses to run as root)");
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream().map(p -> config.source() + ": " + p).toList());
        }
    }

    private static boolean osUserExists(String name) {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
            return true;
        } catch (UserPrincipalNotFoundException e) {
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            // No way to look users up here: PostgreSQL's own start reports a missing user.
            return true;
        }
    }

    private static ClusterConfig read(YamlSection root, Path source, List<String> problems) {
        YamlSection cluster = root.sectionOrEmpty("cluster");
        String name = cluster.requiredString("name").orElse("");
        if (!name.isEmpty() && !NAME.matcher(name).matches()) {
            cluster.problem("name", "'" + name + "' is not allowed; " + NAME_ALLOWED);
        }
        Optional<Integer> bootstrapPrimary = cluster.integer("bootstrap_primary", 0, 9999);
        cluster.finish();

        RaftSettings raft = readRaft(root.sectionOrEmpty("raft"));
        HealthCheckSettings health = readHealth(root.sectionOrEmpty("health_check"));
        FailoverSettings failover = readFailover(root.sectionOrEmpty("failover"));
        ReplicationSettings replication = readReplication(root.sectionOrEmpty("replication"));
        ProxySettings proxy = readProxy(root.sectionOrEmpty("proxy"));
        Optional<VipSettings> vip = root.section("vip").map(ConfigLoader::readVip);
        AdminSettings admin = readAdmin(root.sectionOrEmpty("admin"));
        HookSettings hooks = readHooks(root.sectionOrEmpty("hooks"));
        YamlSection securitySection = root.sectionOrEmpty("security");
        PostgresDefaults pgDefaults = readPostgresDefaults(root.sectionOrEmpty("postgres"));

        List<NodeEntry> entries = new ArrayList<>();
        List<YamlSection> nodeSections = root.sectionList("nodes");
        if (!root.has("nodes")) {
            root.problem("nodes", "is required: a list of at least 3 nodes (agents)");
        } else if (nodeSections.size() < 3) {
            root.problem("nodes", nodeSections.size() + " node(s) given; raft needs at least 3 agents so that a"
                    + " majority survives the loss of one (add a witness: an agent without PostgreSQL)");
        }
        for (YamlSection n : nodeSections) {
            readNode(n, pgDefaults).ifPresent(entries::add);
        }
        root.finish();
        SecuritySettings security = SecurityReader.read(securitySection,
                entries.stream().anyMatch(e -> e.node().proxy().isPresent()));

        NodeRules.check(entries, problems);
        List<NodeConfig> nodes = entries.stream().map(NodeEntry::node).toList();
        if (bootstrapPrimary.isPresent()) {
            int id = bootstrapPrimary.get();
            boolean ok = nodes.stream().anyMatch(n -> n.id() == id && !n.witness());
            if (!ok && !nodes.isEmpty()) {
                problems.add("cluster.bootstrap_primary: " + id + " is not the id of a node with PostgreSQL;"
                        + " allowed: " + nodes.stream().filter(n -> !n.witness()).map(NodeConfig::id).toList());
            }
        }
        if (raft.electionTimeoutMin().compareTo(raft.electionTimeoutMax()) >= 0) {
            problems.add("raft.election_timeout_min: " + YamlSection.format(raft.electionTimeoutMin())
                    + " must be shorter than raft.election_timeout_max (" + YamlSection.format(raft.electionTimeoutMax()) + ")");
        }
        Duration promoteWait = failover.fenceTimeout().plus(failover.fenceGrace());
        if (proxy.staleAfter().compareTo(promoteWait) >= 0) {
            problems.add("proxy.stale_after: " + YamlSection.format(proxy.staleAfter()) + " must be shorter than"
                    + " failover.fence_timeout + failover.fence_grace (" + YamlSection.format(promoteWait)
                    + "), or a cut-off proxy could still route writes to a fenced primary after another was promoted");
        }
        if (failover.fenceTimeout().compareTo(raft.electionTimeoutMax()) <= 0) {
            problems.add("failover.fence_timeout: " + YamlSection.format(failover.fenceTimeout())
                    + " must be longer than raft.election_timeout_max (" + YamlSection.format(raft.electionTimeoutMax())
                    + "), or a primary would be fenced by a mere leader election");
        }

        List<NodeConfig> ordered = new ArrayList<>(nodes);
        ordered.sort(Comparator.comparingInt(NodeConfig::id));
        int primary = bootstrapPrimary.orElse(
                ordered.stream().filter(n -> !n.witness()).map(NodeConfig::id).findFirst().orElse(-1));
        return new ClusterConfig(name, raft, health, failover, replication, proxy, vip, admin, hooks, security, ordered,
                source, primary);
    }

    private static RaftSettings readRaft(YamlSection s) {
        RaftSettings d = RaftSettings.DEFAULTS;
        RaftSettings r = new RaftSettings(
                s.duration("election_timeout_min", d.electionTimeoutMin(), Duration.ofMillis(50), Duration.ofSeconds(30)),
                s.duration("election_timeout_max", d.electionTimeoutMax(), Duration.ofMillis(100), Duration.ofSeconds(60)),
                s.integer("snapshot_every", 10, 10_000_000, (int) d.snapshotEvery()));
        s.finish();
        return r;
    }

    private static HealthCheckSettings readHealth(YamlSection s) {
        HealthCheckSettings d = HealthCheckSettings.DEFAULTS;
        HealthCheckSettings h = new HealthCheckSettings(
                s.duration("period", d.period(), Duration.ofMillis(50), HOUR),
                s.duration("timeout", d.timeout(), Duration.ofMillis(50), HOUR),
                s.integer("retries", 0, 100, d.retries()),
                s.duration("local_check_period", d.localCheckPeriod(), Duration.ofMillis(10), Duration.ofMinutes(1)),
                s.duration("lag_report_interval", d.lagReportInterval(), Duration.ofMillis(100), HOUR));
        s.finish();
        return h;
    }

    private static FailoverSettings readFailover(YamlSection s) {
        FailoverSettings d = FailoverSettings.DEFAULTS;
        FailoverSettings f = new FailoverSettings(
                s.bool("auto", d.auto()),
                s.duration("fence_timeout", d.fenceTimeout(), Duration.ofMillis(100), HOUR),
                s.duration("fence_grace", d.fenceGrace(), Duration.ofMillis(50), HOUR),
                s.duration("promote_timeout", d.promoteTimeout(), Duration.ofMillis(100), HOUR),
                s.duration("agent_timeout", d.agentTimeout(), Duration.ofMillis(100), HOUR),
                s.bool("auto_rejoin", d.autoRejoin()));
        s.finish();
        return f;
    }

    private static ReplicationSettings readReplication(YamlSection s) {
        ReplicationSettings d = ReplicationSettings.DEFAULTS;
        ReplicationSettings.Mode mode = s.enumValue("mode", ReplicationSettings.Mode.class, d.mode());
        String user = s.string("user", d.user());
        SecretRef password = s.secret("password");
        ReplicationSettings.SyncPolicy policy = s.enumValue("sync_policy", ReplicationSettings.SyncPolicy.class,
                d.syncPolicy());
        s.finish();
        return new ReplicationSettings(mode, user, password, policy);
    }

    private static ProxySettings readProxy(YamlSection s) {
        ProxySettings d = ProxySettings.DEFAULTS;
        ProxySettings p = new ProxySettings(
                s.duration("stale_after", d.staleAfter(), Duration.ofMillis(50), HOUR),
                s.duration("connect_timeout", d.connectTimeout(), Duration.ofMillis(10), HOUR),
                s.duration("startup_timeout", d.startupTimeout(), Duration.ofMillis(100), HOUR));
        s.finish();
        return p;
    }

    private static AdminSettings readAdmin(YamlSection s) {
        AdminSettings a = new AdminSettings(
                s.duration("call_timeout", AdminSettings.DEFAULTS.callTimeout(), Duration.ofMillis(100), HOUR));
        s.finish();
        return a;
    }

    private static HookSettings readHooks(YamlSection s) {
        HookSettings d = HookSettings.DEFAULTS;
        HookSettings h = new HookSettings(
                s.duration("timeout", d.timeout(), Duration.ofMillis(100), HOUR),
                hookCommand(s, "before_promote"),
                s.bool("before_promote_must_succeed", d.beforePromoteMustSucceed()),
                hookCommand(s, "after_failover"),
                hookCommand(s, "follow_primary"),
                hookCommand(s, "before_recovery"),
                hookCommand(s, "after_recovery"));
        s.finish();
        return h;
    }

    private static Optional<String> hookCommand(YamlSection s, String key) {
        Optional<String> command = s.string(key);
        command.ifPresent(c -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([a-z_]+)}").matcher(c);
            while (m.find()) {
                if (!HookSettings.PLACEHOLDERS.contains(m.group(1))) {
                    s.problem(key, "unknown placeholder {" + m.group(1) + "}; allowed: "
                            + new java.util.TreeSet<>(HookSettings.PLACEHOLDERS).stream().map(p -> "{" + p + "}").toList());
                }
            }
        });
        return command;
    }

    private static VipSettings readVip(YamlSection s) {
        String address = s.requiredString("address").orElse("");
        int prefix = 32;
        String ip = address;
        if (!address.isEmpty()) {
            int slash = address.indexOf('/');
            if (slash >= 0) {
                ip = address.substring(0, slash);
                try {
                    prefix = Integer.parseInt(address.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
            }
            if (!validIpv4(ip) || prefix < 1 || prefix > 32) {
                s.problem("address", "'" + address + "' is not an IPv4 address with an optional prefix;"
                        + " allowed: e.g. 192.168.10.100/24");
            }
        }
        String iface = s.requiredString("interface").orElse("");
        VipSettings v = new VipSettings(ip, prefix, iface,
                s.string("up_command", VipSettings.DEFAULT_UP),
                s.string("down_command", VipSettings.DEFAULT_DOWN),
                s.string("arping_command", VipSettings.DEFAULT_ARPING));
        s.finish();
        return v;
    }

    static boolean validIpv4(String text) {
        var m = IPV4.matcher(text);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Cluster-wide postgres settings that every node's postgres section inherits. */
    private record PostgresDefaults(Path binDir, String osUser, String superuser, SecretRef superuserPassword,
                                    Map<String, String> parameters, List<String> hba) {}

    private static PostgresDefaults readPostgresDefaults(YamlSection s) {
        PostgresDefaults d = new PostgresDefaults(
                s.string("bin_dir").map(Path::of).orElseGet(ConfigLoader::defaultBinDir),
                s.string("os_user", "postgres"),
                s.string("superuser", "postgres"),
                s.secret("superuser_password"),
                s.stringMap("parameters"),
                s.stringList("hba"));
        s.finish();
        return d;
    }

    /** $PG_BIN, else the newest /usr/lib/postgresql/N/bin, else Debian's PostgreSQL 15 path. */
    static Path defaultBinDir() {
        String env = System.getenv("PG_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                Optional<Path> newest = versions
                        .filter(p -> p.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            } catch (IOException ignored) {
                // fall through to the documented default
            }
        }
        return Path.of("/usr/lib/postgresql/15/bin");
    }

    private static Optional<NodeEntry> readNode(YamlSection s, PostgresDefaults pg) {
        Optional<Integer> id = s.requiredInteger("id", 0, 9999);
        String name = s.requiredString("name").orElse("");
        if (!name.isEmpty() && !NAME.matcher(name).matches()) {
            s.problem("name", "'" + name + "' is not allowed; " + NAME_ALLOWED);
        }
        String host = s.requiredString("host").orElse("");
        if (!host.isEmpty() && !HOST.matcher(host).matches()) {
            s.problem("host", "'" + host + "' is not a host name or IPv4 address; allowed: e.g. 10.0.0.11 or"
                    + " db1.example.com, without a port (ports have their own keys)");
        }
        Optional<Integer> raftPort = s.requiredInteger("raft_port", 1, 65535);
        Optional<Integer> adminPort = s.requiredInteger("admin_port", 1, 65535);
        int metricsPort = s.integer("metrics_port", 0, 65535, 0);
        int adminSqlPort = s.integer("admin_sql_port", 0, 65535, 0);
        Path agentDir = s.string("agent_dir").map(Path::of)
                .orElse(Path.of("/var/lib/raftpool", name.isEmpty() ? "agent" : name));
        if (!agentDir.isAbsolute()) {
            s.problem("agent_dir", "'" + agentDir + "' is not an absolute path");
        }
        boolean witness = s.bool("witness", false);

        Optional<NodeConfig.ProxyPorts> proxy = s.section("proxy").map(p -> {
            Optional<Integer> rw = p.requiredInteger("rw_port", 1, 65535);
            Optional<Integer> ro = p.requiredInteger("ro_port", 1, 65535);
            int metrics = p.integer("metrics_port", 0, 65535, 0);
            p.finish();
            return new NodeConfig.ProxyPorts(rw.orElse(0), ro.orElse(0), metrics);
        });

        Optional<PostgresConfig> postgres = s.section("postgres").map(p -> readNodePostgres(p, pg));
        if (witness && s.has("postgres")) {
            s.problem("postgres", "a witness has no PostgreSQL server; remove this section or set witness: false");
        }
        if (!witness && !s.has("postgres")) {
            s.problem("postgres", "is required unless the node is a witness (witness: true runs an agent only)");
        }
        s.finish();
        if (id.isEmpty() || raftPort.isEmpty() || adminPort.isEmpty()) {
            return Optional.empty();
        }
        NodeConfig node = new NodeConfig(id.get(), name, host, raftPort.get(), adminPort.get(), agentDir, proxy,
                witness ? Optional.empty() : postgres, metricsPort,
                adminSqlPort);
        return Optional.of(new NodeEntry(s.path(), node, witness));
    }

    private static PostgresConfig readNodePostgres(YamlSection p, PostgresDefaults d) {
        int port = p.requiredInteger("port", 1, 65535).orElse(0);
        Path dataDir = p.requiredString("data_dir").map(Path::of).orElse(Path.of(""));
        if (!dataDir.toString().isEmpty() && !dataDir.isAbsolute()) {
            p.problem("data_dir", "'" + dataDir + "' is not an absolute path");
        }
        Path binDir = p.string("bin_dir").map(Path::of).orElse(d.binDir());
        String osUser = p.string("os_user", d.osUser());
        int priority = p.integer("priority", -1000, 1000, 0);
        boolean nofailover = p.bool("nofailover", false);
        Map<String, String> parameters = new HashMap<>(d.parameters());
        parameters.putAll(p.stringMap("parameters"));
        p.finish();
        return new PostgresConfig(port, dataDir, binDir, osUser, d.superuser(), d.superuserPassword(), priority,
                nofailover, parameters, d.hba());
    }
}
