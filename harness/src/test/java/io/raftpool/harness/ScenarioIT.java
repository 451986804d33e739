package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.StopMode;
import io.raftpool.server.state.ClusterStates;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The design's end-to-end scenario on one cluster, step by step: pgsql1 primary, pgsql2
 * standby, a witness. Steps run in order; each leaves the cluster as the next one expects.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScenarioIT {
    private static final Duration BUDGET = Duration.ofSeconds(30);
    private LocalCluster cluster;

    @BeforeAll
    void start() {
        cluster = LocalCluster.start(LocalCluster.options().name("scenario"));
        cluster.awaitHealthy(Duration.ofSeconds(120));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void step1_thePairStreamsAndTheStateSaysSo() throws SQLException {
        ClusterState s = cluster.awaitHealthy(BUDGET);
        assertThat(s.getPrimary().getNodeId()).isEqualTo(0);
        assertThat(backend(s, 0).getRole()).isEqualTo(BackendRole.PRIMARY);
        assertThat(backend(s, 1).getRole()).isEqualTo(BackendRole.STANDBY);
        assertThat(query(0, "select count(*) from pg_stat_replication where state = 'streaming'")).isEqualTo("1");
        assertThat(query(1, "select pg_is_in_recovery()")).isEqualTo("t");
    }

    @Test
    @Order(2)
    void step4_aStoppedStandbyIsMarkedDownWithoutFailover() throws SQLException {
        long epoch = cluster.state().orElseThrow().getPrimary().getEpoch();
        cluster.postgres(1).stop(StopMode.IMMEDIATE, BUDGET);
        ClusterState s = cluster.awaitState("node 1 down", BUDGET,
                st -> backend(st, 1).getStatus() == BackendStatus.DOWN);
        assertThat(s.getPrimary().getNodeId()).isEqualTo(0);
        assertThat(s.getPrimary().getEpoch()).isEqualTo(epoch);
        assertThat(backend(s, 0).getStatus()).isEqualTo(BackendStatus.UP);
        assertThat(query(0, "select count(*) from pg_stat_replication")).isEqualTo("0");
        execute(0, "create table if not exists step4 (id int)");
    }

    @Test
    @Order(3)
    void step5_aStandbyStartedByHandIsUpAgain() {
        cluster.postgres(1).start(BUDGET);
        ClusterState s = cluster.awaitState("node 1 up and streaming", BUDGET,
                st -> backend(st, 1).getStatus() == BackendStatus.UP
                        && "streaming".equals(backend(st, 1).getReplicationState()));
        assertThat(s.getPrimary().getNodeId()).isEqualTo(0);
    }

    @Test
    @Order(4)
    void step2_anImmediateStopOfThePrimaryPromotesTheStandby() throws SQLException {
        cluster.awaitHealthy(BUDGET);
        long epoch = cluster.state().orElseThrow().getPrimary().getEpoch();
        cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
        ClusterState s = cluster.awaitState("node 1 promoted", BUDGET,
                st -> st.getPrimary().getNodeId() == 1 && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
        assertThat(s.getPrimary().getEpoch()).isEqualTo(epoch + 1);
        assertThat(backend(s, 0).getStatus()).isEqualTo(BackendStatus.DOWN);
        assertThat(backend(s, 0).getNeedsRecovery()).isTrue();
        assertThat(backend(s, 1).getRole()).isEqualTo(BackendRole.PRIMARY);
        assertThat(backend(s, 1).getStatus()).isEqualTo(BackendStatus.UP);
        assertThat(query(1, "select pg_is_in_recovery()")).isEqualTo("f");
        execute(1, "create database foo");
        assertThat(query(1, "select count(*) from pg_database where datname = 'foo'")).isEqualTo("1");
        assertThat(s.getEventsList()).anyMatch(e -> e.getKind().equals("failover") && e.getMessage().contains("is primary"));
    }

    @Test
    @Order(5)
    void step2b_theOldPrimaryStartedByHandNeverTakesWrites() {
        // S2: its agent wrote standby.signal into its data directory after the failover
        cluster.awaitState("old primary protected", BUDGET, st -> cluster.postgres(0).isConfiguredAsStandby());
        cluster.postgres(0).start(BUDGET);
        assertThat(query(0, "select pg_is_in_recovery()")).isEqualTo("t");
        ClusterState s = cluster.state().orElseThrow();
        assertThat(s.getPrimary().getNodeId()).isEqualTo(1);
        assertThat(backend(s, 0).getNeedsRecovery()).isTrue();
        try {
            execute(0, "create table split_brain (id int)");
            throw new AssertionError("the old primary accepted a write");
        } catch (SQLException e) {
            assertThat(e.getSQLState()).isEqualTo("25006"); // read_only_sql_transaction
        }
    }

    private static Backend backend(ClusterState s, int id) {
        return ClusterStates.backend(s, id).orElseThrow();
    }

    private String query(int node, String sql) {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(node));
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new AssertionError("query on node " + node + " failed: " + e.getMessage(), e);
        }
    }

    private void execute(int node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(node))) {
            c.createStatement().execute(sql);
        }
    }
}
