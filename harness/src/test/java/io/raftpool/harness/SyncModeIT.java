package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.StopMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Synchronous mode (S3): no acknowledged commit is lost by a failover. */
class SyncModeIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.syncMode();

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Test
    void everyAcknowledgedRowSurvivesTheLossOfThePrimaryNode() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        cluster.awaitState("node 1 committed as synchronous", BUDGET,
                st -> st.getSyncStandbysList().equals(List.of(1)));
        assertThat(FailoverIT.query(cluster, 0, "select sync_state from pg_stat_replication")).isEqualTo("sync");
        FailoverIT.execute(cluster, 0, "create table n (id int primary key)");

        Set<Integer> acked = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(0) + "&socketTimeout=5");
                 Statement st = c.createStatement()) {
                for (int id = 0; id < 1_000_000 && !stop.get(); id++) {
                    st.executeUpdate("insert into n values (" + id + ")");
                    acked.add(id);
                }
            } catch (SQLException e) {
                // the primary died under the writer: what was acknowledged so far is what counts
            }
        }, "sync-writer");
        writer.start();
        cluster.awaitState("the writer got going", BUDGET, st -> acked.size() >= 200);
        cluster.agent(0).kill();
        cluster.postgres(0).kill();
        stop.set(true);
        writer.join(30_000);

        ClusterState s = cluster.awaitState("node 1 promoted", BUDGET,
                st -> st.getPrimary().getNodeId() == 1 && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
        assertThat(s.getSyncStandbysList()).isEmpty();
        Set<Integer> present = new HashSet<>();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(1));
             ResultSet rs = c.createStatement().executeQuery("select id from n")) {
            while (rs.next()) {
                present.add(rs.getInt(1));
            }
        }
        assertThat(acked).hasSizeGreaterThanOrEqualTo(200);
        assertThat(present).containsAll(acked);
        FailoverIT.execute(cluster, 1, "insert into n values (-1)"); // availability: writes go on alone
    }

    @Test
    void aStandbyThatStopsIsDroppedFromTheSynchronousSetBeforeWritesGoOnWithoutIt() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        cluster.awaitState("node 1 synchronous", BUDGET, st -> st.getSyncStandbysList().equals(List.of(1)));
        cluster.postgres(1).stop(StopMode.IMMEDIATE, BUDGET);
        ClusterState s = cluster.awaitState("sync set emptied", BUDGET,
                st -> st.getSyncStandbysCount() == 0 && !st.hasSyncTarget());
        assertThat(s.getEventsList()).anyMatch(e -> e.getSeq() >= SHARED.firstEventOfThisTest()
            && e.getKind().equals("sync") && e.getMessage().contains("none"));
        cluster.awaitState("writes go on", BUDGET, st -> {
            try {
                FailoverIT.execute(cluster, 0, "create table if not exists alone (id int)");
                return true;
            } catch (SQLException e) {
                return false;
            }
        });
        cluster.postgres(1).start(BUDGET);
        cluster.awaitState("node 1 synchronous again", BUDGET, st -> st.getSyncStandbysList().equals(List.of(1)));
    }
}
