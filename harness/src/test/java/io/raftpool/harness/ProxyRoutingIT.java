package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.StopMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The proxies with real agents: routing follows the committed state (S1). */
class ProxyRoutingIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(60);

    record Connected(long atMs, int serverPort) {}

    @Test
    void afterAFailoverEveryNewConnectionReachesTheNewPrimaryOnly() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        FailoverIT.execute(cluster, 0, "create table p (port int, at timestamptz default now())");
        NodeConfig witness = cluster.config().requireNode(2);
        String rw = url(witness.proxy().orElseThrow().rwPort());
        int oldPort = cluster.config().requireNode(0).requirePostgres().port();
        int newPort = cluster.config().requireNode(1).requirePostgres().port();
        cluster.awaitState("the proxy routes writes", BUDGET, st -> {
            try {
                return writeAndTellPort(rw) == oldPort;
            } catch (SQLException e) {
                return false;
            }
        });

        cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
        List<Connected> after = new ArrayList<>();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        while (after.size() < 20 && System.nanoTime() < deadline) {
            long at = System.currentTimeMillis();
            try {
                after.add(new Connected(at, writeAndTellPort(rw)));
            } catch (SQLException e) {
                LocalCluster.pause(50); // refused while there is no active primary: retry
            }
        }
        ClusterState s = cluster.awaitState("node 1 active", BUDGET,
                st -> st.getPrimary().getNodeId() == 1 && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
        assertThat(after).hasSize(20);
        assertThat(after).allMatch(c -> c.serverPort() == newPort);
        assertThat(after.get(0).atMs()).isGreaterThanOrEqualTo(s.getPrimary().getSinceMs() - 1000);
    }

    @Test
    void readOnlyGoesToTheStandbyThenTheAgentsDieAndTheProxyStopsRouting() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        NodeConfig n0 = cluster.config().requireNode(0);
        String ro = url(n0.proxy().orElseThrow().roPort());
        String rw = url(n0.proxy().orElseThrow().rwPort());
        // the proxy follows the committed state a moment after the admin API shows it
        awaitAnswer(cluster, ro, "select pg_is_in_recovery()", "t"); // reads go to the standby

        cluster.postgres(1).stop(StopMode.IMMEDIATE, BUDGET);
        cluster.awaitState("standby down", BUDGET, st -> st.getBackends(1).getStatus()
                == io.raftpool.proto.BackendStatus.DOWN);
        awaitAnswer(cluster, ro, "select pg_is_in_recovery()", "f"); // reads fall back to the primary

        try (Connection session = DriverManager.getConnection(rw)) {
            for (var agent : cluster.agents().values()) {
                agent.kill();
            }
            long killed = System.nanoTime();
            SQLException refused = null;
            double firstFailureMs = -1;
            while (refused == null && System.nanoTime() - killed < BUDGET.toNanos()) {
                try {
                    query(rw, "select 1");
                    LocalCluster.pause(50);
                } catch (SQLException e) {
                    if (firstFailureMs < 0) {
                        firstFailureMs = (System.nanoTime() - killed) / 1e6;
                    }
                    // a session opened just before the bound is closed at it (08006); new ones are refused
                    if ("57P03".equals(e.getSQLState())) {
                        refused = e;
                    }
                }
            }
            assertThat(refused != null).as("the proxy kept accepting writes with no agent alive").isTrue();
            // stale past the bound, a new connection waits a Raft re-election's worth before it is refused
            assertThat(firstFailureMs).isLessThan(cluster.config().proxy().staleAfter().toMillis()
                    + io.raftpool.proxy.Holding.STALE_GRACE_MS + 2000);
            // the read-write session open before the bound was closed at the bound (S1)
            assertThat(session.isValid(2)).isFalse();
        }
    }

    static String url(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&connectTimeout=2&socketTimeout=5"
                + "&sslmode=disable";
    }

    static int writeAndTellPort(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.createStatement().executeQuery(
                     "insert into p (port) select inet_server_port() returning port")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The proxy follows the committed state a moment after the admin API shows it: wait for the answer. */
    static void awaitAnswer(LocalCluster cluster, String url, String sql, String expected) {
        cluster.awaitState("'" + sql + "' through " + url + " answering " + expected, BUDGET, st -> {
            try {
                return query(url, sql).equals(expected);
            } catch (SQLException e) {
                return false;
            }
        });
    }

    static String query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
