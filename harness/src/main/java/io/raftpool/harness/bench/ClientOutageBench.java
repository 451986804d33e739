package io.raftpool.harness.bench;

import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.SwitchoverRequest;
import io.raftpool.server.postgres.StopMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outage as an application sees it (issue 22): a client that opens a new connection through
 * the witness's proxy for every write, across switchovers and across failovers of a primary
 * whose server was stopped with {@code pg_ctl stop -m immediate}. Per event: the connection
 * errors the client saw, the time it went without a write (from its last write on the old
 * primary to its first on the new one), and the outage the proxy committed (its "outage" event),
 * with the difference.
 *
 * <p>Usage: {@code java -cp cli/target/raftpool.jar io.raftpool.harness.bench.ClientOutageBench [runs] [hold_timeout]
 * [both|switchover|failover]}
 */
public final class ClientOutageBench {
    private static final Duration BUDGET = Duration.ofSeconds(60);

    private record Write(long endMs, int port) {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String hold = args.length > 1 ? args[1] : "5s";
        String events = args.length > 2 ? args[2] : "both";
        if (!List.of("both", "switchover", "failover").contains(events)) {
            throw new IllegalArgumentException("events: '" + events + "'; allowed: both, switchover, failover");
        }
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("outagebench").proxies(true)
                .set("proxy", "hold_timeout", hold))) {
            cluster.awaitHealthy(Duration.ofSeconds(120));
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(0))) {
                c.createStatement().execute("create table o (id serial primary key, port int)");
            }
            List<Double> gaps = new ArrayList<>();
            List<Double> recorded = new ArrayList<>();
            int errors = 0;
            int each = events.equals("both") ? 2 : 1;
            for (int i = 0; i < each * runs; i++) {
                boolean switchover = events.equals("both") ? i % 2 == 0 : events.equals("switchover");
                double[] r = once(cluster, switchover);
                errors += (int) r[0];
                gaps.add(r[1]);
                if (r[2] >= 0) {
                    recorded.add(r[2]);
                }
                System.out.printf("  %-10s %2d: connection errors %.0f, client without a write %.0f ms, proxy recorded"
                        + " %.0f ms (difference %.0f ms)%n", switchover ? "switchover" : "failover", i / each + 1, r[0], r[1],
                        r[2], r[1] - r[2]);
                cluster.awaitHealthy(BUDGET);
            }
            System.out.println("connection errors in all: " + errors);
            System.out.println("client without a write: " + Stats.of(gaps));
            System.out.println("outage the proxy recorded: " + Stats.of(recorded));
        }
    }

    /** One change of primary under a reconnecting writer: {errors, client gap ms, recorded ms or -1}. */
    private static double[] once(LocalCluster cluster, boolean switchover) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + cluster.config().requireNode(2).proxy().orElseThrow().rwPort()
                + "/postgres?user=postgres&connectTimeout=2&socketTimeout=15&sslmode=disable&assumeMinServerVersion=10";
        List<Write> writes = new CopyOnWriteArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!stop.get() && System.nanoTime() < deadline) {
                Connection c;
                try {
                    c = DriverManager.getConnection(url);
                } catch (SQLException e) {
                    errors.add(e.getMessage());
                    continue;
                }
                try (c; Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "insert into o (port) values (inet_server_port()) returning port")) {
                    rs.next();
                    writes.add(new Write(System.currentTimeMillis(), rs.getInt(1)));
                } catch (SQLException e) {
                    // a session the change of primary ended after it began: the writer reconnects
                }
            }
        }, "reconnecting-writer");
        ClusterState before = cluster.awaitHealthy(BUDGET);
        int oldPrimary = before.getPrimary().getNodeId();
        int newPrimary = oldPrimary == 0 ? 1 : 0;
        int oldPort = cluster.config().requireNode(oldPrimary).requirePostgres().port();
        int newPort = cluster.config().requireNode(newPrimary).requirePostgres().port();
        long firstEvent = before.getNextEventSeq();
        writer.start();
        try {
            await(() -> writes.size() >= 20);
            if (switchover) {
                ActionReply r = cluster.admin().switchover(SwitchoverRequest.newBuilder().setTarget(newPrimary)
                        .setWait(true).setTimeoutMs(BUDGET.toMillis()).build());
                if (!r.getAccepted()) {
                    throw new IllegalStateException("switchover refused: " + r.getMessage());
                }
            } else {
                cluster.postgres(oldPrimary).stop(StopMode.IMMEDIATE, BUDGET);
            }
            await(() -> writes.stream().filter(w -> w.port() == newPort).count() >= 20);
        } finally {
            stop.set(true);
            writer.join(20_000);
        }
        long lastOld = writes.stream().filter(w -> w.port() == oldPort).mapToLong(Write::endMs).max().orElse(0);
        long firstNew = writes.stream().filter(w -> w.port() == newPort).mapToLong(Write::endMs).min().orElse(0);
        ClusterState after = cluster.awaitState("the proxy's outage recorded", BUDGET, st -> outage(st, firstEvent) >= 0
                && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
        if (!switchover) {
            ActionReply r = cluster.admin().recoverNode(io.raftpool.proto.NodeRequest.newBuilder().setNodeId(oldPrimary)
                    .setWait(true).setTimeoutMs(BUDGET.toMillis()).build());
            if (!r.getAccepted()) {
                throw new IllegalStateException("recovery-node refused: " + r.getMessage());
            }
        }
        return new double[] {errors.size(), firstNew - lastOld, outage(after, firstEvent)};
    }

    private static long outage(ClusterState s, long firstEvent) {
        return s.getEventsList().stream().filter(e -> e.getSeq() >= firstEvent && e.getKind().equals("outage")
                && e.getNodeId() == 2).mapToLong(Event::getDurationMs).findFirst().orElse(-1);
    }

    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the writer made no progress for " + BUDGET.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }
}
