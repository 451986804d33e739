package io.raftpool.proxy;

import io.raftpool.api.AdminCredentials;
import io.raftpool.api.TlsFileException;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigException;
import io.raftpool.config.NodeConfig;
import io.raftpool.config.ProxySettings;
import io.raftpool.config.SecuritySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Everything one proxy process needs. {@link #from} derives it from the cluster config; tests
 * build it directly (port 0 binds a free port).
 *
 * @param bindHost    where the client ports listen; from the config this is every address,
 *                    so that clients reach the proxy through the VIP as well as the node's own
 * @param metricsPort empty: no metrics endpoint
 * @param agents      the agents to watch, in order of preference (the own node's first)
 * @param credentials how the watch reaches them: plaintext, or TLS with the proxy's token
 */
public record ProxyOptions(
        int nodeId,
        String bindHost,
        int readWritePort,
        int readOnlyPort,
        OptionalInt metricsPort,
        List<AgentAddress> agents,
        ProxySettings settings,
        MonotonicClock clock,
        AdminCredentials credentials) {

    public ProxyOptions {
        agents = List.copyOf(agents);
    }

    /** Options that watch the agents in plaintext (a cluster with security off). */
    public ProxyOptions(int nodeId, String bindHost, int readWritePort, int readOnlyPort, OptionalInt metricsPort,
                        List<AgentAddress> agents, ProxySettings settings, MonotonicClock clock) {
        this(nodeId, bindHost, readWritePort, readOnlyPort, metricsPort, agents, settings, clock,
                AdminCredentials.plaintext());
    }

    public static ProxyOptions from(ClusterConfig config, int nodeId) {
        NodeConfig node = config.requireNode(nodeId);
        NodeConfig.ProxyPorts ports = node.proxy().orElseThrow(() -> new ConfigException("node " + nodeId + " ("
                + node.name() + ") has no proxy section in " + config.source()
                + "; add one to it, e.g. proxy: { rw_port: 9999, ro_port: 9998 }"));
        List<AgentAddress> agents = new ArrayList<>();
        agents.add(new AgentAddress(node.id(), node.host(), node.adminPort()));
        for (NodeConfig other : config.nodes()) {
            if (other.id() != nodeId) {
                agents.add(new AgentAddress(other.id(), other.host(), other.adminPort()));
            }
        }
        OptionalInt metrics = ports.metricsPort() > 0 ? OptionalInt.of(ports.metricsPort()) : OptionalInt.empty();
        return new ProxyOptions(nodeId, "0.0.0.0", ports.rwPort(), ports.roPort(), metrics, agents,
                config.proxy(), MonotonicClock.SYSTEM, credentials(config));
    }

    /**
     * How a proxy calls the agents: plaintext when security.tls is off; else TLS trusting the
     * cluster's CA, with the token of security.proxy_token_file (or _env) when there is one.
     */
    static AdminCredentials credentials(ClusterConfig config) {
        SecuritySettings security = config.security();
        if (!security.tls()) {
            return AdminCredentials.plaintext();
        }
        try {
            AdminCredentials tls = AdminCredentials.tls(security.caFile().orElseThrow(), "security.ca_file");
            return security.proxyToken().resolve().map(tls::withToken).orElse(tls);
        } catch (TlsFileException e) {
            throw new ConfigException(config.source() + ": " + e.getMessage());
        }
    }
}
