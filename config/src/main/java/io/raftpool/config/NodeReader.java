package io.raftpool.config;

import io.raftpool.config.NodeRules.NodeEntry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one entry of {@code nodes}: its keys, its proxy ports and its postgres section on top of
 * the cluster-wide {@link PostgresDefaults}. The rules between nodes are {@link NodeRules}'.
 */
final class NodeReader {
    /** The rule for node names, and for the cluster's name too. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    static final String NAME_ALLOWED = "use letters, digits, '.', '_' or '-', starting with a letter"
            + " or digit, at most 63 characters";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");

    private NodeReader() {}

    /** The node, or empty when a key it cannot be built without is missing (the problem is recorded). */
    static Optional<NodeEntry> read(YamlSection s, PostgresDefaults pg) {
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
        int healthPort = s.integer("health_port", 0, 65535, 0);
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

        Optional<PostgresConfig> postgres = s.section("postgres").map(p -> readPostgres(p, pg));
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
                adminSqlPort, healthPort);
        return Optional.of(new NodeEntry(s.path(), node, witness));
    }

    private static PostgresConfig readPostgres(YamlSection p, PostgresDefaults d) {
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
