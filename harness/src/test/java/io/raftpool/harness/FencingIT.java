package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.PrimaryPhase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * S6 for the clients raftpool does not route: a session opened straight to the primary's
 * PostgreSQL before a fault commits nothing once another server is being promoted, whether the
 * postmaster hangs (SIGSTOP: new connections wait, open sessions work) or was killed with its
 * backends left running. On the main before issue 19 both failed: the standby was promoted while
 * the old primary's agent, alive, merely agreed that its server was unreachable, and the open
 * session went on committing (the hung case: every insert of the next seconds acknowledged; the
 * killed case: the running statement committed after the promotion).
 */
class FencingIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Test
    void aHungPostmastersOpenSessionCommitsNothingOnceAStandbyIsPromoted() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        FailoverIT.execute(cluster, 0, "create table d (id int primary key)");
        long postmaster = cluster.postgres(0).postmasterPid().orElseThrow();
        try (DirectSessions.Writer writer = DirectSessions.Writer.start(cluster, 0, "d")) {
            cluster.awaitState("the direct session commits", BUDGET, st -> writer.acks.size() >= 5);
            Signals.send(postmaster, "STOP");
            try {
                ClusterState s = cluster.awaitState("node 1 promoted", BUDGET, st -> st.getPrimary().getNodeId() == 1
                        && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
                cluster.awaitState("the direct session ended", BUDGET, st -> writer.ended.get() != null);
                writer.stop();
                assertNoAckAfterThePromotionBegan(s, writer.acks);
                assertThat(thisTestsEvents(s)).anyMatch(e -> e.getKind().equals("fence")
                        && e.getMessage().contains("killed its PostgreSQL"));
            } finally {
                writer.halt();
                if (ProcessHandle.of(postmaster).isPresent()) {
                    Signals.send(postmaster, "CONT");
                }
            }
        }
    }

    @Test
    void aStatementRunningWhenThePostmasterIsKilledDoesNotCommitAfterThePromotion() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        FailoverIT.execute(cluster, 0, "create table k (id int primary key)");
        long postmaster = cluster.postgres(0).postmasterPid().orElseThrow();
        AtomicReference<Object> outcome = new AtomicReference<>();
        try (Connection direct = DriverManager.getConnection(cluster.jdbcUrl(0) + "&socketTimeout=30")) {
            Thread statement = new Thread(() -> {
                try (Statement st = direct.createStatement()) {
                    // computes for seconds without waiting on anything (a wait would notice the postmaster's
                    // death), then commits: long enough for a promotion to happen meanwhile
                    st.execute("insert into k select count(*) from generate_series(1, 40000000)");
                    outcome.set(System.currentTimeMillis());
                } catch (SQLException e) {
                    outcome.set(e);
                }
            }, "long-statement");
            statement.start();
            cluster.awaitState("the statement running", BUDGET, st -> running(cluster, "generate_series"));
            Signals.send(postmaster, "KILL");
            ClusterState s = cluster.awaitState("node 1 promoted", BUDGET, st -> st.getPrimary().getNodeId() == 1
                    && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
            statement.join(30_000);
            Object result = outcome.get();
            if (result instanceof Long ackedAt) {
                assertThat(ackedAt).as("the old primary acknowledged the statement after the promotion began")
                        .isLessThan(failoverBegan(s));
            } else {
                assertThat(result).as("the statement ended").isInstanceOf(SQLException.class);
            }
            assertThat(thisTestsEvents(s)).anyMatch(e -> e.getKind().equals("fence"));
        }
    }


    /** Every commit the old primary acknowledged was acknowledged before the promotion began. */
    private static void assertNoAckAfterThePromotionBegan(ClusterState s, List<DirectSessions.Ack> acks) {
        long began = failoverBegan(s);
        assertThat(acks).as("acknowledged by the old primary").isNotEmpty();
        assertThat(acks.stream().filter(a -> a.atMs() >= began).toList())
                .as("commits the old primary acknowledged after the failover began at %d", began).isEmpty();
    }

    private static long failoverBegan(ClusterState s) {
        return DirectSessions.failoverBegan(thisTestsEvents(s));
    }

    private static List<Event> thisTestsEvents(ClusterState s) {
        return s.getEventsList().stream().filter(e -> e.getSeq() >= SHARED.firstEventOfThisTest()).toList();
    }

    private static boolean running(LocalCluster cluster, String text) {
        return FailoverIT.query(cluster, 0, "select count(*) from pg_stat_activity where query like '%" + text
                + "%' and pid <> pg_backend_pid()").equals("1");
    }
}
