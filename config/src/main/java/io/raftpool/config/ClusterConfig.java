package io.raftpool.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole cluster as one YAML file describes it. Every agent and proxy reads the same file
 * and is told which node it is. Immutable; built only by {@link ConfigLoader}, which applies
 * the defaults and validates.
 */
public record ClusterConfig(
        String name,
        RaftSettings raft,
        HealthCheckSettings healthCheck,
        FailoverSettings failover,
        WatchdogSettings watchdog,
        ReplicationSettings replication,
        ArchiveSettings archive,
        ProxySettings proxy,
        Optional<VipSettings> vip,
        AdminSettings admin,
        HookSettings hooks,
        SecuritySettings security,
        List<NodeConfig> nodes,
        Path source,
        int bootstrapPrimary) {

    public ClusterConfig {
        nodes = List.copyOf(nodes);
    }

    public Optional<NodeConfig> node(int id) {
        return nodes.stream().filter(n -> n.id() == id).findFirst();
    }

    /** The node with this id, or a {@link ConfigException} that lists the ids that exist. */
    public NodeConfig requireNode(int id) {
        return node(id).orElseThrow(() -> new ConfigException("node id " + id + " is not in "
                + source + "; the nodes are " + nodes.stream().map(n -> n.id() + " (" + n.name() + ")").toList()));
    }

    public List<NodeConfig> postgresNodes() {
        return nodes.stream().filter(n -> n.postgres().isPresent()).toList();
    }

    /** Agents needed for a Raft majority. */
    public int quorumSize() {
        return nodes.size() / 2 + 1;
    }
}
