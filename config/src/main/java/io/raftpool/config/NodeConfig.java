package io.raftpool.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One node: an agent (always), its proxy (optional) and its PostgreSQL server (absent on a
 * witness, which only votes and observes).
 */
public record NodeConfig(
        int id,
        String name,
        String host,
        int raftPort,
        int adminPort,
        Path agentDir,
        Optional<ProxyPorts> proxy,
        Optional<PostgresConfig> postgres) {

    public boolean witness() {
        return postgres.isEmpty();
    }

    public String raftAddress() {
        return host + ":" + raftPort;
    }

    public String adminAddress() {
        return host + ":" + adminPort;
    }

    public PostgresConfig requirePostgres() {
        return postgres.orElseThrow(() -> new ConfigException(
                "node " + id + " (" + name + ") is a witness: it has no PostgreSQL server"));
    }

    public record ProxyPorts(int rwPort, int roPort, int metricsPort) {}
}
