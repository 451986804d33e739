package io.raftpool.server.agent;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.config.PostgresConfig;
import io.raftpool.proto.NodeInfo;
import io.raftpool.server.health.ProbeOutcome;
import io.raftpool.server.leader.FailoverPolicy;
import io.raftpool.server.leader.ReplicationView;
import io.raftpool.server.leader.CandidateProber;
import io.raftpool.server.postgres.Password;
import io.raftpool.server.postgres.PgProbe;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.ProbeResult;
import io.raftpool.server.postgres.ServerProcesses;
import io.raftpool.server.postgres.ServerSettings;
import io.raftpool.server.api.SettingLookup;
import io.raftpool.server.postgres.PgEndpoint;
import io.raftpool.server.postgres.PgSettings;
import io.raftpool.server.state.ClusterStates;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How this agent reaches PostgreSQL: its own server (through the one process runner) and every
 * server of the cluster for probes, as each node's configured superuser.
 */
final class PostgresAccess implements CandidateProber {
    private final Optional<PostgresServer> local;
    private final Optional<ServerProcesses> localProcesses;
    private final Map<Integer, Login> logins = new HashMap<>();
    private final Login defaultLogin;
    private static final Duration SETTINGS_TIMEOUT = Duration.ofSeconds(3);

    private record Login(String user, Optional<Password> password) {}

    PostgresAccess(ClusterConfig config, NodeConfig self) {
        Map<String, String> env = System.getenv();
        this.local = self.postgres().map(pg -> new PostgresServer(ServerSettings.of(self, config, env)));
        this.localProcesses = local.map(pg -> new ServerProcesses(pg.settings().dataDir()));
        for (NodeConfig n : config.postgresNodes()) {
            PostgresConfig pg = n.requirePostgres();
            logins.put(n.id(), new Login(pg.superuser(), Password.resolve(pg.superuserPassword(), env)));
        }
        this.defaultLogin = logins.getOrDefault(self.id(), logins.values().stream().findFirst().orElse(null));
    }

    PostgresServer localServer() {
        return local.orElseThrow(() -> new IllegalStateException("this node is a witness: no local PostgreSQL"));
    }

    /**
     * Whether any process of the local server remains, not only its postmaster: backends outlive
     * a killed postmaster and can still commit, so "not running" must mean none is left.
     */
    boolean localPostmasterRunning() {
        return localProcesses.map(ServerProcesses::anyRunning).orElse(false);
    }

    Optional<ServerProcesses> localProcesses() {
        return localProcesses;
    }

    ProbeResult rawProbe(NodeInfo node, Duration timeout) {
        // a node added after this agent read its config logs in like this node does
        Login login = logins.getOrDefault(node.getId(), defaultLogin);
        if (login == null) {
            return ProbeResult.unreachable("no PostgreSQL login is known for node " + node.getId(), Duration.ZERO);
        }
        return PgProbe.probe(node.getHost(), node.getPgPort(), login.user(), login.password(), timeout);
    }

    ProbeOutcome healthProbe(NodeInfo node, Duration timeout) {
        return toOutcome(rawProbe(node, timeout));
    }

    @Override
    public FailoverPolicy.CandidateProbe probe(NodeInfo node, Duration timeout) {
        ProbeResult r = rawProbe(node, timeout);
        return new FailoverPolicy.CandidateProbe(r.reachable(), r.inRecovery(), r.walLsn(), r.error().orElse(""));
    }

    @Override
    public Optional<ReplicationView> replication(io.raftpool.proto.ClusterState state, NodeInfo primary,
                                                 Duration timeout) {
        ProbeResult r = rawProbe(primary, timeout);
        if (!r.reachable() || r.inRecovery()) {
            return Optional.empty();
        }
        java.util.Map<Integer, ReplicationView.Standby> streaming = new java.util.HashMap<>();
        for (ProbeResult.Replica replica : r.replicas()) {
            if (replica.state().equals("streaming")) {
                state.getNodesList().stream().filter(n -> n.getName().equals(replica.applicationName()))
                        .findFirst().ifPresent(n -> streaming.put(n.getId(),
                                new ReplicationView.Standby(replica.syncState(), replica.flushLsn())));
            }
        }
        return Optional.of(new ReplicationView(streaming, r.walLsn(), r.syncStandbyNames()));
    }

    @Override
    public io.raftpool.server.postgres.AdoptionCheck.Answer facts(NodeInfo node, String replicationUser,
                                                                   Duration timeout) {
        Login login = logins.getOrDefault(node.getId(), defaultLogin);
        if (login == null) {
            return io.raftpool.server.postgres.AdoptionCheck.Answer.unreachable("no login known");
        }
        PgEndpoint endpoint = PgEndpoint.of(node.getHost(), node.getPgPort(), login.user(), login.password());
        try (Connection c = PgProbe.connect(endpoint, timeout)) {
            return io.raftpool.server.postgres.AdoptionCheck.Answer.of(
                    io.raftpool.server.postgres.ServerFacts.read(c, replicationUser));
        } catch (SQLException | RuntimeException e) {
            return io.raftpool.server.postgres.AdoptionCheck.Answer.unreachable(e.getMessage());
        }
    }

    /** set-parameter's check: pg_settings of the primary, else of another server that is up. */
    SettingLookup.Answer settingSpecs(io.raftpool.proto.ClusterState state, java.util.Collection<String> names) {
        java.util.List<String> errors = new java.util.ArrayList<>();
        java.util.List<io.raftpool.proto.Backend> order = new java.util.ArrayList<>(state.getBackendsList());
        order.sort(java.util.Comparator.comparing(b -> b.getNodeId() != state.getPrimary().getNodeId()));
        for (io.raftpool.proto.Backend b : order) {
            if (b.getNodeId() != state.getPrimary().getNodeId() && b.getStatus() != io.raftpool.proto.BackendStatus.UP) {
                continue;
            }
            Optional<NodeInfo> node = ClusterStates.node(state, b.getNodeId());
            Login login = logins.getOrDefault(b.getNodeId(), defaultLogin);
            if (node.isEmpty() || login == null) {
                continue;
            }
            PgEndpoint endpoint = PgEndpoint.of(node.get().getHost(), node.get().getPgPort(), login.user(), login.password());
            try (Connection c = PgProbe.connect(endpoint, SETTINGS_TIMEOUT)) {
                return new SettingLookup.Answer(b.getNodeId(), PgSettings.specs(c, names));
            } catch (SQLException | RuntimeException e) {
                errors.add("node " + b.getNodeId() + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("no PostgreSQL server of the cluster answered (" + (errors.isEmpty()
                ? "none is up" : String.join("; ", errors)) + ")");
    }

    static ProbeOutcome toOutcome(ProbeResult r) {
        if (!r.reachable()) {
            return ProbeOutcome.unreachable(r.error().orElse("unreachable"), ProbeOutcome.Running.UNKNOWN);
        }
        return r.inRecovery() ? ProbeOutcome.standby(r.timeline(), r.walLsn(), r.streaming())
                : ProbeOutcome.primary(r.timeline(), r.walLsn());
    }
}
