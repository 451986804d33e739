package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;

/** An {@link AdminClient} for the agents a cluster config names, in node-id order. */
public final class AdminClients {
    private AdminClients() {}

    public static AdminClient forCluster(ClusterConfig config) {
        return AdminClient.connect(config.nodes().stream().map(NodeConfig::adminAddress).toList(),
                config.admin().callTimeout());
    }
}
