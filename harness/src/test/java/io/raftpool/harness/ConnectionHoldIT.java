package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.SwitchoverRequest;
import io.raftpool.server.postgres.StopMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients first during a failover (issue 22): a client that opens a new connection through a
 * proxy while the primary changes is held, not refused, and lands on the new primary: through a
 * switchover and through the failover of a primary whose server died, a client that reconnects
 * for every write sees no connection error, and every write it was told succeeded was made on a
 * primary (the server says so in the same statement).
 */
class ConnectionHoldIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Test
    void aClientReconnectingThroughASwitchoverSeesNoConnectionError() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        FailoverIT.execute(cluster, 0, "create table h (id serial primary key, port int, standby boolean)");
        try (Reconnecting client = Reconnecting.start(cluster)) {
            client.awaitWrites(20);
            ActionReply r = cluster.admin().switchover(SwitchoverRequest.newBuilder().setTarget(1).setWait(true)
                    .setTimeoutMs(BUDGET.toMillis()).build());
            assertThat(r.getAccepted()).as(r.getMessage()).isTrue();
            client.awaitWritesOn(cluster.config().requireNode(1).requirePostgres().port(), 20);
            client.assertNoConnectionError(cluster);
            awaitOutageEvent(cluster);
        }
    }

    @Test
    void aClientReconnectingThroughTheFailoverOfADeadPrimarySeesNoConnectionError() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        FailoverIT.execute(cluster, 0, "create table h (id serial primary key, port int, standby boolean)");
        try (Reconnecting client = Reconnecting.start(cluster)) {
            client.awaitWrites(20);
            cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
            cluster.awaitState("node 1 promoted", BUDGET,
                    st -> st.getPrimary().getNodeId() == 1 && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
            client.awaitWritesOn(cluster.config().requireNode(1).requirePostgres().port(), 20);
            client.assertNoConnectionError(cluster);
            awaitOutageEvent(cluster);
        }
    }

    /** The proxy the client used committed how long its write clients waited for the new primary. */
    private static void awaitOutageEvent(LocalCluster cluster) {
        io.raftpool.proto.ClusterState s = cluster.awaitState("the proxy's outage in the history", BUDGET, st ->
                st.getEventsList().stream().anyMatch(e -> e.getSeq() >= SHARED.firstEventOfThisTest()
                        && e.getKind().equals("outage") && e.getNodeId() == 2 && e.getEpoch() == st.getPrimary().getEpoch()));
        io.raftpool.proto.Event e = s.getEventsList().stream().filter(x -> x.getKind().equals("outage")
                && x.getSeq() >= SHARED.firstEventOfThisTest()).reduce((a, b) -> b).orElseThrow();
        assertThat(e.getDurationMs()).as(e.getMessage()).isBetween(1L, 10_000L);
        assertThat(e.getMessage()).startsWith("write clients of the proxy on node 2 could not write for");
    }

    /** Opens a new connection through the witness's proxy for every write, until closed. */
    private static final class Reconnecting implements AutoCloseable {
        private final String url;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger writes = new AtomicInteger();
        private final List<Integer> writtenOn = new CopyOnWriteArrayList<>();
        private final List<String> connectErrors = new CopyOnWriteArrayList<>();
        private final List<String> writeErrors = new CopyOnWriteArrayList<>();
        private final List<Integer> onStandby = new CopyOnWriteArrayList<>();
        private final Thread thread;

        private Reconnecting(int proxyPort) {
            // socketTimeout above proxy.hold_timeout: a held client waits for its answer. The start
            // alone makes the connection (assumeMinServerVersion: the driver then sends no SET after
            // it), so that a session the change of primary ends once started counts as one cut, not
            // as a connection refused
            this.url = "jdbc:postgresql://127.0.0.1:" + proxyPort + "/postgres?user=postgres&connectTimeout=2"
                    + "&socketTimeout=15&sslmode=disable&assumeMinServerVersion=10";
            this.thread = new Thread(this::run, "reconnecting-client");
        }

        static Reconnecting start(LocalCluster cluster) {
            Reconnecting r = new Reconnecting(cluster.config().requireNode(2).proxy().orElseThrow().rwPort());
            r.thread.start();
            return r;
        }

        private void run() {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!stop.get() && System.nanoTime() < deadline) {
                Connection c;
                try {
                    c = DriverManager.getConnection(url);
                } catch (SQLException e) {
                    connectErrors.add(e.getSQLState() + " " + e.getMessage());
                    LocalCluster.pause(20);
                    continue;
                }
                try (c; Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "insert into h (port, standby) values (inet_server_port(), pg_is_in_recovery())"
                                + " returning port, standby")) {
                    rs.next();
                    if (rs.getBoolean(2)) {
                        onStandby.add(rs.getInt(1));
                    }
                    writtenOn.add(rs.getInt(1));
                    writes.incrementAndGet();
                } catch (SQLException e) {
                    // a session the switchover or the dead server ended: the client reconnects
                    writeErrors.add(e.getSQLState() + " " + e.getMessage());
                }
            }
        }

        void awaitWrites(int n) {
            int target = writes.get() + n;
            await("writes", () -> writes.get() >= target);
        }

        void awaitWritesOn(int port, int n) {
            await("writes on port " + port, () -> writtenOn.stream().filter(p -> p == port).count() >= n);
        }

        private void await(String what, java.util.function.BooleanSupplier done) {
            long deadline = System.nanoTime() + BUDGET.toNanos();
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > deadline || !thread.isAlive()) {
                    throw new AssertionError("no " + what + " after " + writes.get() + " writes; connection errors "
                            + connectErrors + ", write errors " + writeErrors);
                }
                LocalCluster.pause(20);
            }
        }

        void assertNoConnectionError(LocalCluster cluster) {
            assertThat(onStandby).as("writes a server in recovery said it made").isEmpty();
            assertThat(connectErrors).as("connections refused by the proxy (write errors, for reference: %s; logs"
                    + " kept in %s)", writeErrors, connectErrors.isEmpty() ? "-" : cluster.keepLogs()).isEmpty();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(20_000);
        }
    }
}
