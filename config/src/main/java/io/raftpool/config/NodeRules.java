package io.raftpool.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules between nodes, checked once every node is read: unique ids and names, one owner
 * per port and per directory on each host, and not only witnesses. Problems name the nodes by
 * their place in the file (nodes[2]), since a duplicate id cannot tell them apart.
 */
final class NodeRules {
    /** A node as read, with where it stands in the file and what it declared. */
    record NodeEntry(String path, NodeConfig node, boolean declaredWitness) {}

    private NodeRules() {}

    static void check(List<NodeEntry> nodes, List<String> problems) {
        Map<Integer, String> byId = new HashMap<>();
        Map<String, String> byName = new HashMap<>();
        Map<String, String> ports = new HashMap<>();
        Map<String, String> dirs = new HashMap<>();
        for (NodeEntry r : nodes) {
            NodeConfig n = r.node();
            String at = r.path();
            String dupId = byId.putIfAbsent(n.id(), at + " (" + n.name() + ")");
            if (dupId != null) {
                problems.add(at + ".id: " + n.id() + " is used by " + dupId + " too; ids must be unique");
            }
            String dupName = byName.putIfAbsent(n.name(), at);
            if (dupName != null && !n.name().isEmpty()) {
                problems.add(at + ".name: '" + n.name() + "' is used by " + dupName + " too; names must be unique");
            }
            claim(ports, n.host(), n.raftPort(), at + ".raft_port", problems);
            claim(ports, n.host(), n.adminPort(), at + ".admin_port", problems);
            claim(ports, n.host(), n.adminSqlPort(), at + ".admin_sql_port", problems);
            if (n.metricsPort() != 0) {
                claim(ports, n.host(), n.metricsPort(), at + ".metrics_port", problems);
            }
            if (n.healthPort() != 0) {
                claim(ports, n.host(), n.healthPort(), at + ".health_port", problems);
            }
            n.proxy().ifPresent(p -> {
                claim(ports, n.host(), p.rwPort(), at + ".proxy.rw_port", problems);
                claim(ports, n.host(), p.roPort(), at + ".proxy.ro_port", problems);
                if (p.metricsPort() != 0) {
                    claim(ports, n.host(), p.metricsPort(), at + ".proxy.metrics_port", problems);
                }
            });
            claimDir(dirs, n.host(), n.agentDir(), at + ".agent_dir", problems);
            n.postgres().ifPresent(pg -> {
                claim(ports, n.host(), pg.port(), at + ".postgres.port", problems);
                claimDir(dirs, n.host(), pg.dataDir(), at + ".postgres.data_dir", problems);
            });
        }
        if (!nodes.isEmpty() && nodes.stream().allMatch(NodeEntry::declaredWitness)) {
            problems.add("nodes: every node is a witness (witness: true); at least one needs PostgreSQL:"
                    + " set witness: false on it and give it a postgres section");
        }
    }

    /** Two agents, or two servers, or an agent and a server, writing into one directory would corrupt each other. */
    private static void claimDir(Map<String, String> dirs, String host, Path dir, String key, List<String> problems) {
        if (dir.toString().isEmpty()) {
            return;
        }
        String other = dirs.putIfAbsent(host + " " + dir.normalize(), key);
        if (other != null) {
            problems.add(key + ": " + dir + " on " + host + " is used by " + other + " too; every agent_dir and"
                    + " data_dir on a host must be different");
        }
    }

    private static void claim(Map<String, String> ports, String host, int port, String key, List<String> problems) {
        if (port <= 0) {
            return;
        }
        String other = ports.putIfAbsent(host + ":" + port, key);
        if (other != null) {
            problems.add(key + ": port " + port + " on " + host + " is used by " + other
                    + " too; every port on a host must be different");
        }
    }
}
