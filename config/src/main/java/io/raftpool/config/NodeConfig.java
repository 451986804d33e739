package io.raftpool.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One node: an agent (always), its proxy (optional) and its PostgreSQL server (absent on a
 * witness, which only votes and observes).
 *
 * @param metricsPort where the agent serves its Prometheus metrics; 0: it serves none
 * @param adminSqlPort where the agent serves its PostgreSQL-protocol admin console; 0: none
 * @param healthPort where the agent serves HTTP health checks for load balancers (/primary,
 *                   /replica...); 0: none
 */
public record NodeConfig(
        int id,
        String name,
        String host,
        int raftPort,
        int adminPort,
        Path agentDir,
        Optional<ProxyPorts> proxy,
        Optional<PostgresConfig> postgres,
        int metricsPort,
        int adminSqlPort,
        int healthPort) {

    public boolean witness() {
        return postgres.isEmpty();
    }

    public String raftAddress() {
        return host + ":" + raftPort;
    }

    public String adminAddress() {
        return host + ":" + adminPort;
    }

    /** Whether the node's agent serves the PostgreSQL-protocol admin console ({@code admin_sql_port}). */
    public boolean hasAdminConsole() {
        return adminSqlPort > 0;
    }

    public PostgresConfig requirePostgres() {
        return postgres.orElseThrow(() -> new ConfigException(
                "node " + id + " (" + name + ") is a witness: it has no PostgreSQL server"));
    }

    public record ProxyPorts(int rwPort, int roPort, int metricsPort) {}
}
