package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.SwitchoverRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Planned switchover through the proxies, with a writer running: no acknowledged write is lost. */
class SwitchoverIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Test
    void switchoverThereAndBackLosesNoAcknowledgedWrite() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        FailoverIT.execute(cluster, 0, "create table w (id int primary key)");
        Writer writer = new Writer(cluster.config().requireNode(2).proxy().orElseThrow().rwPort());
        Thread thread = new Thread(writer, "writer");
        thread.start();
        try {
            writer.awaitAcks(50);
            ActionReply there = cluster.admin().switchover(SwitchoverRequest.newBuilder().setTarget(1).setWait(true)
                    .setTimeoutMs(BUDGET.toMillis()).build());
            assertThat(there.getAccepted()).as(there.getMessage()).isTrue();
            assertThat(there.getMessage()).contains("writes paused for");
            ClusterState s = cluster.awaitHealthy(BUDGET);
            assertThat(s.getPrimary().getNodeId()).isEqualTo(1);
            int before = writer.acked.size();
            writer.awaitAcks(before + 50);

            ActionReply back = cluster.admin().switchover(SwitchoverRequest.newBuilder().setTarget(-1).setWait(true)
                    .setTimeoutMs(BUDGET.toMillis()).build());
            assertThat(back.getAccepted()).as(back.getMessage()).isTrue();
            s = cluster.awaitHealthy(BUDGET);
            assertThat(s.getPrimary().getNodeId()).isEqualTo(0);
            writer.awaitAcks(writer.acked.size() + 50);
        } finally {
            writer.stop.set(true);
            thread.join(10_000);
        }
        Set<Integer> present = new HashSet<>();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(0));
             ResultSet rs = c.createStatement().executeQuery("select id from w")) {
            while (rs.next()) {
                present.add(rs.getInt(1));
            }
        }
        assertThat(writer.acked).isNotEmpty();
        assertThat(present).containsAll(writer.acked.keySet());
        assertThat(writer.failures.get()).as("writes refused during the two switchovers").isLessThan(writer.acked.size());
    }

    /** Inserts numbered rows through a proxy's read-write port, reconnecting after any error. */
    static final class Writer implements Runnable {
        final ConcurrentHashMap<Integer, Boolean> acked = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger failures = new AtomicInteger();
        private final String url;

        Writer(int proxyPort) {
            this.url = "jdbc:postgresql://127.0.0.1:" + proxyPort + "/postgres?user=postgres&connectTimeout=2"
                    + "&socketTimeout=5&sslmode=disable";
        }

        @Override
        public void run() {
            int next = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!stop.get() && System.nanoTime() < deadline) {
                try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                    while (!stop.get()) {
                        int id = next++;
                        st.executeUpdate("insert into w values (" + id + ")");
                        acked.put(id, Boolean.TRUE);
                    }
                } catch (SQLException e) {
                    failures.incrementAndGet();
                    LocalCluster.pause(20);
                }
            }
        }

        void awaitAcks(int count) {
            long deadline = System.nanoTime() + BUDGET.toNanos();
            while (acked.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the writer got only " + acked.size() + " acks, wanted " + count
                            + " (" + failures.get() + " failed attempts)");
                }
                LocalCluster.pause(20);
            }
        }
    }
}
