package io.raftpool.chaos.workload;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where clients connect (every node's proxy read-write port; for direct clients, every
 * PostgreSQL server's own port) and how to name the server that answered (PostgreSQL port to
 * node id).
 */
public record Endpoints(List<Endpoint> proxies, List<Endpoint> servers, Map<Integer, Integer> nodeOfPgPort) {
    public Endpoints {
        proxies = List.copyOf(proxies);
        servers = List.copyOf(servers);
        nodeOfPgPort = Map.copyOf(nodeOfPgPort);
    }

    /** One address clients can connect to, and the node it belongs to. */
    public record Endpoint(int node, String host, int port) {
        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/postgres";
        }

        @Override
        public String toString() {
            return "node " + node + " (" + host + ":" + port + ")";
        }
    }

    public static Endpoints of(ClusterConfig config) {
        List<Endpoint> proxies = new ArrayList<>();
        List<Endpoint> servers = new ArrayList<>();
        Map<Integer, Integer> nodes = new TreeMap<>();
        for (NodeConfig n : config.nodes()) {
            n.proxy().ifPresent(p -> proxies.add(new Endpoint(n.id(), n.host(), p.rwPort())));
            n.postgres().ifPresent(pg -> {
                nodes.put(pg.port(), n.id());
                servers.add(new Endpoint(n.id(), n.host(), pg.port()));
            });
        }
        if (proxies.isEmpty()) {
            throw new IllegalArgumentException("the cluster has no proxy: chaos clients go through the proxies");
        }
        return new Endpoints(proxies, servers, nodes);
    }

    public int nodeOfPort(int port) {
        return nodeOfPgPort.getOrDefault(port, -1);
    }

    /** Connection settings of every chaos client: short timeouts, so a stuck operation becomes info quickly. */
    public static Properties jdbcProperties(String applicationName) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", "5");
        p.setProperty("loginTimeout", "5");
        p.setProperty("sslmode", "disable");
        p.setProperty("gssEncMode", "disable");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", applicationName);
        return p;
    }
}
