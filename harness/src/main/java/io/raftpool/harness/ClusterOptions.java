package io.raftpool.harness;

import io.raftpool.config.LogFormat;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Options of a local cluster; the defaults are the design's scenario (2 servers + 1 witness). */
public final class ClusterOptions {
    int postgresNodes = 2;
    int witnesses = 1;
    boolean proxies = false;
    Path dir;
    String name = "local";
    boolean detached;
    IntFunction<String> hostOf = i -> "127.0.0.1";
    IntFunction<List<String>> processPrefix = i -> List.of();
    int proxyRwPort;
    int proxyRoPort;
    boolean metrics;
    LogFormat logFormat = LogFormat.TEXT;
    boolean secured;
    boolean adminConsoles;
    boolean healthChecks;
    boolean archive;
    boolean pgBackRest;
    final Map<String, Map<String, Object>> sections = new LinkedHashMap<>();

    public ClusterOptions postgresNodes(int n) {
        this.postgresNodes = n;
        return this;
    }

    public ClusterOptions witnesses(int n) {
        this.witnesses = n;
        return this;
    }

    public ClusterOptions proxies(boolean on) {
        this.proxies = on;
        return this;
    }

    /** Where the cluster lives (kept on close); default: a new temporary directory, removed on close. */
    public ClusterOptions dir(Path d) {
        this.dir = d;
        return this;
    }

    /** Processes in their own session, outliving this JVM (the demo's --detach); pids in {@code dir/pids}. */
    public ClusterOptions detached(boolean d) {
        this.detached = d;
        return this;
    }

    public ClusterOptions name(String n) {
        this.name = n;
        return this;
    }

    /**
     * Node i listens on 127.0.0.(11+i) instead of 127.0.0.1, so that faults can cut the
     * traffic between two nodes with firewall rules on their addresses.
     */
    public ClusterOptions distinctLoopbackAddresses() {
        this.hostOf = i -> "127.0.0." + (11 + i);
        return this;
    }

    /** Node i's address, for clusters placed in network namespaces by the caller. */
    public ClusterOptions hosts(IntFunction<String> hostOfNode) {
        this.hostOf = hostOfNode;
        return this;
    }

    /**
     * Words put before node i's agent and proxy command lines, e.g. {@code ip netns exec NS}
     * to run them inside that node's network namespace (with {@link #hosts}); the command
     * must exec the rest, so that the harness's pid is the process's own.
     */
    public ClusterOptions processPrefix(IntFunction<List<String>> prefixOfNode) {
        this.processPrefix = prefixOfNode;
        return this;
    }

    /**
     * Every node's proxy on the same two ports, as on real hosts: a client then reaches the
     * read-write proxy at VIP:rw wherever the VIP is. Only for nodes on distinct hosts.
     */
    public ClusterOptions proxyPorts(int readWrite, int readOnly) {
        this.proxyRwPort = readWrite;
        this.proxyRoPort = readOnly;
        return this;
    }

    /** Every agent and proxy serves Prometheus metrics, each on a free port ({@code metrics_port} in the config). */
    public ClusterOptions metrics(boolean on) {
        this.metrics = on;
        return this;
    }

    /** How the agents and proxies write their logs ({@code --log-format}); default text. */
    public ClusterOptions logFormat(LogFormat format) {
        this.logFormat = format;
        return this;
    }

    /**
     * TLS and token authentication on, as production runs: a CA and every node's certificate
     * and key in {@code dir/tls} (made with openssl), and the tokens {@code admin} (role admin,
     * the harness's and the CLI's), {@code read} (role read) and {@code proxy} (role read, the
     * proxies'), each in {@code dir/tls/<name>.token} (see {@link LocalCluster#token}).
     */
    public ClusterOptions secured() {
        this.secured = true;
        return this;
    }

    /** Every agent serves the PostgreSQL-protocol admin console, each on a free port ({@code admin_sql_port}). */
    public ClusterOptions adminConsoles() {
        this.adminConsoles = true;
        return this;
    }

    /** Every agent serves HTTP health checks for load balancers, each on a free port ({@code health_port}). */
    public ClusterOptions healthChecks() {
        this.healthChecks = true;
        return this;
    }

    /** A WAL archive every server shares: {@code archive.directory} = the cluster's directory/archive. */
    public ClusterOptions archive() {
        this.archive = true;
        return this;
    }

    /** {@code archive.pgbackrest}: a pgBackRest repository under the cluster's directory (see PgBackRestRepo). */
    public ClusterOptions pgBackRest() {
        this.pgBackRest = true;
        return this;
    }

    /** Sets {@code section.key} in the config, e.g. {@code set("failover", "fence_timeout", "2s")}. */
    public ClusterOptions set(String section, String key, Object value) {
        sections.computeIfAbsent(section, k -> new LinkedHashMap<>()).put(key, value);
        return this;
    }
}
