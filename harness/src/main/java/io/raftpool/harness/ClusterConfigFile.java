package io.raftpool.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raftpool.yaml the harness writes: a new cluster's from its {@link ClusterOptions},
 * on free ports under the cluster's directory, and a PostgreSQL node added to it later.
 */
final class ClusterConfigFile {
    private static final String HEADER = "# written by raftpool's local cluster harness\n";

    private ClusterConfigFile() {}

    static void write(ClusterOptions o, Path dir, Path configPath) {
        int nodes = o.postgresNodes + o.witnesses;
        int perNode = o.metrics ? 7 : 5;
        List<Integer> ports = FreePorts.take(nodes * perNode);
        List<Integer> consolePorts = o.adminConsoles ? FreePorts.take(nodes) : List.of();
        List<Integer> healthPorts = o.healthChecks ? FreePorts.take(nodes) : List.of();
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
            if (o.healthChecks) {
                n.put("health_port", healthPorts.get(i));
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
        if (o.archive) {
            root.put("archive", Map.of("directory", dir.resolve("archive").toString()));
        }
        if (o.pgBackRest) {
            Path conf = PgBackRestRepo.write(dir, "postgres");
            root.put("archive", Map.of("pgbackrest", Map.of("stanza", PgBackRestRepo.STANZA, "config", conf.toString())));
        }
        for (var e : o.sections.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> section = (Map<String, Object>) root.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>());
            section.putAll(e.getValue());
        }
        root.put("nodes", nodeList);
        try {
            Files.writeString(configPath, HEADER + yaml().writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configPath + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds a PostgreSQL node on free ports to the file (as an operator edits it on every host
     * before add-node); returns its id, one above the highest.
     */
    static int addPostgresNode(Path configPath, ClusterConfig config, Path dir) {
        try {
            ObjectMapper yaml = yaml();
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
            Files.writeString(configPath, HEADER + yaml.writeValueAsString(root));
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add a node to " + configPath + ": " + e.getMessage(), e);
        }
    }

    private static ObjectMapper yaml() {
        return new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    }
}
