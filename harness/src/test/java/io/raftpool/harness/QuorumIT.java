package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
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

/**
 * Quorum commit (issue 16): three PostgreSQL servers and a witness, ANY 1 of the two standbys.
 * A writer commits numbered rows as fast as it can while the primary's node dies; every row it
 * was told committed must be on the new primary.
 */
class QuorumIT {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(60);

    private static LocalCluster start(String name) {
        return LocalCluster.start(LocalCluster.options().name(name).postgresNodes(3).witnesses(1)
                .set("replication", "mode", "quorum").set("replication", "sync_count", 1));
    }

    /** The set settled: failover hears from n - 1 + 1 of {@code members}, and the primary waits for ANY 1 of them. */
    private static ClusterState awaitSettled(LocalCluster cluster, List<Integer> members) {
        return cluster.awaitState("quorum settled on nodes " + members, BUDGET, st ->
                st.getSyncStandbysList().equals(members) && st.getQuorum().getDurableCount() == 1
                        && st.getQuorum().getWaitForList().equals(members));
    }

    @Test
    void everyAcknowledgedRowSurvivesTheLossOfThePrimaryNode() throws Exception {
        try (LocalCluster cluster = start("quorum")) {
            try (Writer writer = settledAndWriting(cluster)) {
                assertThat(FailoverIT.query(cluster, 0, "show synchronous_standby_names")).startsWith("ANY 1 (");
                assertThat(FailoverIT.query(cluster, 0, "select string_agg(sync_state, ',') from pg_stat_replication"))
                        .isEqualTo("quorum,quorum");
                cluster.agent(0).kill();
                cluster.postgres(0).kill();
                writer.join();
                ClusterState s = awaitNewPrimary(cluster, Set.of(1, 2));
                assertThat(lastFailover(s).getMessage()).contains("quorum members heard");
                assertThat(writer.acked).hasSizeGreaterThanOrEqualTo(300);
                assertThat(rows(cluster, s.getPrimary().getNodeId())).containsAll(writer.acked);
            }
        }
    }

    @Test
    void withTheStandbyMostBehindStoppedFirstTheOtherHoldsEveryAcknowledgedRow() throws Exception {
        try (LocalCluster cluster = start("quorumbehind")) {
            try (Writer writer = settledAndWriting(cluster)) {
                int behind = Integer.parseInt(FailoverIT.query(cluster, 0, "select n.id from (values (1, '"
                        + cluster.config().requireNode(1).name() + "'), (2, '" + cluster.config().requireNode(2).name()
                        + "')) n(id, name) join pg_stat_replication r on r.application_name = n.name"
                        + " order by r.flush_lsn, n.id limit 1"));
                int other = 3 - behind;
                cluster.postgres(behind).stop(StopMode.IMMEDIATE, BUDGET);
                awaitSettled(cluster, List.of(other));
                int before = writer.acked.size();
                cluster.awaitState("writes go on with node " + other + " alone", BUDGET,
                        st -> writer.acked.size() >= before + 100);
                cluster.agent(0).kill();
                cluster.postgres(0).kill();
                writer.join();
                ClusterState s = awaitNewPrimary(cluster, Set.of(other));
                assertThat(rows(cluster, other)).containsAll(writer.acked);
                assertThat(s.getPrimary().getNodeId()).isEqualTo(other);
            }
        }
    }

    /**
     * The rule at work: a standby stopped just before the primary dies may hold commits the
     * other lacks (ANY 1), so no failover happens until it answers; then the one that flushed
     * more is promoted, and no acknowledged row is lost.
     */
    @Test
    void aFailoverWaitsToHearFromEnoughMembersOfTheQuorum() throws Exception {
        try (LocalCluster cluster = start("quorumwait")) {
            try (Writer writer = settledAndWriting(cluster)) {
                cluster.postgres(2).stop(StopMode.IMMEDIATE, BUDGET);
                cluster.agent(0).kill();
                cluster.postgres(0).kill();
                writer.join();
                ClusterState held = cluster.awaitState("the leader says why it cannot fail over", BUDGET, st ->
                        st.getEventsList().stream().anyMatch(e -> e.getKind().equals("failover")
                                && e.getMessage().contains("quorum mode: heard from 1 of nodes [1, 2], need 2")));
                assertThat(held.getPrimary().getNodeId()).isZero();
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                        cluster.state().map(st -> st.getPrimary().getNodeId() == 0).orElse(true));
                cluster.postgres(2).start(BUDGET);
                ClusterState s = awaitNewPrimary(cluster, Set.of(1, 2));
                assertThat(rows(cluster, s.getPrimary().getNodeId())).containsAll(writer.acked);
            }
        }
    }

    /** Healthy, the quorum settled on both standbys, and a writer on node 0 that has committed 300 rows. */
    private static Writer settledAndWriting(LocalCluster cluster) throws SQLException {
        cluster.awaitHealthy(START);
        awaitSettled(cluster, List.of(1, 2));
        Writer writer = Writer.start(cluster, 0);
        cluster.awaitState("the writer got going", BUDGET, st -> writer.acked.size() >= 300);
        return writer;
    }

    private static ClusterState awaitNewPrimary(LocalCluster cluster, Set<Integer> allowed) {
        return cluster.awaitState("a standby of the quorum promoted", BUDGET, st ->
                allowed.contains(st.getPrimary().getNodeId()) && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
    }

    private static Event lastFailover(ClusterState s) {
        return s.getEventsList().stream().filter(e -> e.getMessage().startsWith("failover begins"))
                .reduce((a, b) -> b).orElseThrow();
    }

    private static Set<Integer> rows(LocalCluster cluster, int node) throws SQLException {
        Set<Integer> present = new HashSet<>();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(node));
             ResultSet rs = c.createStatement().executeQuery("select id from q")) {
            while (rs.next()) {
                present.add(rs.getInt(1));
            }
        }
        return present;
    }

    /** Commits numbered rows on one server until it dies; {@code acked} holds the ones it was told committed. */
    static final class Writer implements AutoCloseable {
        final Set<Integer> acked = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        private Writer(LocalCluster cluster, int node) {
            thread = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(node) + "&socketTimeout=5");
                     Statement st = c.createStatement()) {
                    for (int id = 0; id < 1_000_000 && !stop.get(); id++) {
                        st.executeUpdate("insert into q values (" + id + ")");
                        acked.add(id);
                    }
                } catch (SQLException e) {
                    // the primary died under the writer: what was acknowledged so far is what counts
                }
            }, "quorum-writer");
        }

        static Writer start(LocalCluster cluster, int node) throws SQLException {
            FailoverIT.execute(cluster, node, "create table q (id int primary key)");
            Writer w = new Writer(cluster, node);
            w.thread.start();
            return w;
        }

        void join() throws InterruptedException {
            thread.join(30_000);
            assertThat(thread.isAlive()).as("the writer ended with its primary").isFalse();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(30_000);
        }
    }
}
