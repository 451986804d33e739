package io.raftpool.server.security;

import io.raftpool.api.AdminCredentials;
import io.raftpool.api.TlsFileException;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigException;
import io.raftpool.config.SecuritySettings;

/**
 * How an operator's tool (the CLI, the test harness) calls the admin API of a cluster config.
 * The proxy has the same rule with its own token in {@code ProxyOptions.credentials}: it stays
 * free of the server module, and no module below both sees the config and {@code AdminCredentials}.
 */
public final class CliCredentials {
    private CliCredentials() {}

    /** Plaintext when security.tls is off; else TLS trusting the CA, with the CLI's token when there is one. */
    public static AdminCredentials of(ClusterConfig config) {
        SecuritySettings security = config.security();
        if (!security.tls()) {
            return AdminCredentials.plaintext();
        }
        try {
            AdminCredentials tls = AdminCredentials.tls(security.caFile().orElseThrow(), "security.ca_file");
            return security.cliToken().resolve().map(tls::withToken).orElse(tls);
        } catch (TlsFileException e) {
            throw new ConfigException(config.source() + ": " + e.getMessage());
        }
    }
}
