package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.api.AdminCredentials;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.server.security.CliCredentials;

/**
 * An {@link AdminClient} for the agents a cluster config names, in node-id order, with the
 * security the config asks for: TLS trusting {@code security.ca_file}, and the token of
 * {@code security.cli_token_file} (or {@code _env}) when there is one.
 */
public final class AdminClients {
    private AdminClients() {}

    public static AdminClient forCluster(ClusterConfig config) {
        return AdminClient.connect(config.nodes().stream().map(NodeConfig::adminAddress).toList(),
                config.admin().callTimeout(), credentials(config));
    }

    /** Plaintext when security.tls is off; else TLS with the CLI's token, when one is configured. */
    public static AdminCredentials credentials(ClusterConfig config) {
        return CliCredentials.of(config);
    }
}
