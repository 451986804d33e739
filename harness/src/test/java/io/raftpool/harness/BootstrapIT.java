package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.BackendRole;
import io.raftpool.proto.ClusterState;
import io.raftpool.server.state.ClusterStates;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BootstrapIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    @Test
    void agentsBootstrapAStreamingPairFromTheConfig() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        ClusterState s = cluster.awaitHealthy(Duration.ofSeconds(120));
        assertThat(s.getPrimary().getNodeId()).isEqualTo(0);
        assertThat(ClusterStates.backend(s, 1).orElseThrow().getRole()).isEqualTo(BackendRole.STANDBY);
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(0));
             ResultSet rs = c.createStatement().executeQuery(
                     "select application_name, state from pg_stat_replication")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("pgsql2");
            assertThat(rs.getString(2)).isEqualTo("streaming");
        }
    }
}
