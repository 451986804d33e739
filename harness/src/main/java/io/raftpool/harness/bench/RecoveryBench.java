package io.raftpool.harness.bench;

import io.raftpool.harness.DivergentWal;
import io.raftpool.harness.Preflight;
import io.raftpool.harness.ClusterOptions;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.SwitchoverRequest;
import io.raftpool.server.postgres.StopMode;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Recovery and switchover figures on a pgbench scale-10 database (about 160 MB):
 * <ul>
 * <li>recovery-node of a failed old primary, from the command to the node up and streaming,
 * without rewind (its WAL did not diverge: it follows the timeline switch), through pg_rewind
 * (diverged by a write in single-user mode) and (its pg_control removed, so rewind cannot work)
 * through pg_basebackup,
 * while a session on the primary keeps running queries (it must never be cut);
 * <li>switchover write pause: from the committed switchover intent to the committed promotion
 * (no write can go through a proxy in between), and as a writer through a proxy sees it.
 * </ul>
 * With {@code archive} (a WAL archive directory) or {@code pgbackrest}, first a backup ({@code raftpool backup}), then also
 * recovery-node --from-backup.
 * Usage: {@code java -cp cli/target/raftpool.jar io.raftpool.harness.bench.RecoveryBench [runs] [wal_keep_size|-] [archive|pgbackrest]}
 */
public final class RecoveryBench {
    private static final Duration BUDGET = Duration.ofSeconds(300);

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ClusterOptions options = LocalCluster.options().name("recbench").proxies(true);
        if (args.length > 1 && !args[1].equals("-")) {
            // PostgreSQL 15's pg_rewind copies the source's whole pg_wal: how much it keeps sets the rewind's cost
            options = options.set("postgres", "parameters", Map.of("wal_keep_size", args[1]));
        }
        String archiveKind = args.length > 2 ? args[2] : "";
        boolean archive = archiveKind.equals("archive") || archiveKind.equals("pgbackrest");
        if (archiveKind.equals("archive")) {
            options = options.archive();
        } else if (archiveKind.equals("pgbackrest")) {
            options = options.pgBackRest();
        }
        try (LocalCluster cluster = LocalCluster.start(options)) {
            cluster.awaitHealthy(Duration.ofSeconds(120));
            pgbenchInit(cluster, 10);
            cluster.awaitHealthy(BUDGET);
            if (archive) {
                long start = System.nanoTime();
                ActionReply r = cluster.admin().backup(io.raftpool.proto.RestartRequest.newBuilder().setNodeId(-1)
                        .setBy("RecoveryBench").setWait(true).setTimeoutMs(BUDGET.toMillis()).build());
                System.out.printf("raftpool backup: %.0f ms (%s)%n", (System.nanoTime() - start) / 1e6, r.getMessage());
            }
            for (Path path : Path.values()) {
                if (path == Path.FROM_BACKUP && !archive) {
                    continue;
                }
                System.out.println("recovery-node, " + path.label + ": " + Stats.of(recoveries(cluster, runs, path)));
            }
            List<Double> committed = new ArrayList<>();
            List<Double> seen = new ArrayList<>();
            for (int i = 0; i < Math.max(runs, 10); i++) {
                double[] pause = switchover(cluster);
                committed.add(pause[0]);
                seen.add(pause[1]);
                System.out.printf("  switchover %2d: writes paused %.0f ms (committed), %.0f ms (seen by a writer)%n",
                        i + 1, pause[0], pause[1]);
            }
            System.out.println("switchover write pause, committed: " + Stats.of(committed));
            System.out.println("switchover write pause, seen by a writer through a proxy: " + Stats.of(seen));
        }
    }

    /** How the failed old primary comes back, and what the bench does to it to get there. */
    enum Path {
        TIMELINE_SWITCH("no divergence (timeline switch, no rewind)"),
        REWIND("pg_rewind path (diverged: a write the new primary never had)"),
        BASEBACKUP("pg_basebackup path (pg_control removed, rewind impossible)"),
        FROM_BACKUP("--from-backup path (pg_control removed; the newest base backup and the WAL archive)");

        final String label;

        Path(String label) {
            this.label = label;
        }
    }

    static List<Double> recoveries(LocalCluster cluster, int runs, Path path) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ClusterState s = cluster.awaitHealthy(BUDGET);
            int primary = s.getPrimary().getNodeId();
            long epoch = s.getPrimary().getEpoch();
            cluster.postgres(primary).stop(StopMode.IMMEDIATE, BUDGET);
            ClusterState after = cluster.awaitState("failover", BUDGET, st -> st.getPrimary().getEpoch() == epoch + 1
                    && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
            int newPrimary = after.getPrimary().getNodeId();
            switch (path) {
                case TIMELINE_SWITCH -> { }
                case REWIND -> DivergentWal.writeWhileDown(cluster, primary,
                        "create table if not exists diverged (i int); insert into diverged values (1)");
                case BASEBACKUP, FROM_BACKUP ->
                        Files.delete(cluster.postgres(primary).settings().dataDir().resolve("global/pg_control"));
            }
            SessionWatch session = new SessionWatch(cluster.jdbcUrl(newPrimary));
            Thread t = new Thread(session, "primary-session");
            t.start();
            long start = System.nanoTime();
            ActionReply r = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(primary).setWait(true)
                    .setFromBackup(path == Path.FROM_BACKUP).setTimeoutMs(BUDGET.toMillis()).build());
            double took = (System.nanoTime() - start) / 1e6;
            session.stop.set(true);
            t.join(10_000);
            if (!r.getAccepted()) {
                throw new IllegalStateException("recovery failed: " + r.getMessage());
            }
            ms.add(took);
            String phases = cluster.state().orElseThrow().getEventsList().stream()
                    .filter(e -> e.getNodeId() == primary && e.getMessage().contains("is up again"))
                    .reduce((a, b) -> b).map(Event::getMessage).orElse("");
            System.out.printf("  run %d: %.0f ms (%s); session on the primary: %d queries, %s%n      %s%n", i + 1, took,
                    r.getMessage(), session.queries.get(), session.broken.get() ? "CUT" : "never cut", phases);
        }
        return ms;
    }

    /** Returns {committed pause, pause seen by a writer through the witness's proxy}, in ms. */
    static double[] switchover(LocalCluster cluster) throws Exception {
        ClusterState s = cluster.awaitHealthy(BUDGET);
        long epoch = s.getPrimary().getEpoch() + 1;
        int witness = cluster.config().nodes().stream().filter(n -> n.witness()).findFirst().orElseThrow().id();
        Writer writer = new Writer(cluster.config().requireNode(witness).proxy().orElseThrow().rwPort());
        Thread t = new Thread(writer, "writer");
        t.start();
        try {
            writer.awaitWrites(20);
            ActionReply r = cluster.admin().switchover(SwitchoverRequest.newBuilder().setTarget(-1).setWait(true)
                    .setTimeoutMs(60_000).build());
            if (!r.getAccepted()) {
                throw new IllegalStateException("switchover failed: " + r.getMessage());
            }
            writer.awaitWrites(writer.count.get() + 20);
        } finally {
            writer.stop.set(true);
            t.join(10_000);
        }
        ClusterState after = cluster.state().orElseThrow();
        long begun = after.getEventsList().stream().filter(e -> e.getEpoch() == epoch
                && e.getMessage().startsWith("switchover begins")).mapToLong(Event::getAtMs).findFirst().orElseThrow();
        long done = after.getEventsList().stream().filter(e -> e.getEpoch() == epoch
                && e.getMessage().contains("is primary at epoch")).mapToLong(Event::getAtMs).findFirst().orElseThrow();
        return new double[] {done - begun, writer.longestGapMs()};
    }

    static void pgbenchInit(LocalCluster cluster, int scale) throws IOException, InterruptedException {
        int primary = cluster.state().orElseThrow().getPrimary().getNodeId();
        var node = cluster.config().requireNode(primary);
        Process p = new ProcessBuilder(Preflight.pgBin().resolve("pgbench").toString(), "-i", "-q", "-s",
                Integer.toString(scale), "-h", node.host(), "-p", Integer.toString(node.requirePostgres().port()),
                "-U", "postgres", "postgres").inheritIO().start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("pgbench -i failed");
        }
    }

    /** One session on the primary running a query every 10 ms; notes if it is ever cut. */
    static final class SessionWatch implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean broken = new AtomicBoolean();
        final AtomicInteger queries = new AtomicInteger();
        private final String url;

        SessionWatch(String url) {
            this.url = url;
        }

        @Override
        public void run() {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                while (!stop.get()) {
                    try (ResultSet rs = st.executeQuery("select count(*) from pgbench_branches")) {
                        rs.next();
                    }
                    queries.incrementAndGet();
                    RaftBench.pause(10);
                }
            } catch (SQLException e) {
                broken.set(true);
            }
        }
    }

    /** Writes through a proxy, reconnecting on errors; remembers the longest gap between successes. */
    static final class Writer implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger count = new AtomicInteger();
        private final String url;
        private volatile long longestGapNanos;

        Writer(int port) {
            url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&connectTimeout=2&socketTimeout=5"
                    + "&sslmode=disable";
        }

        @Override
        public void run() {
            long last = System.nanoTime();
            long end = last + Duration.ofMinutes(3).toNanos();
            while (!stop.get() && System.nanoTime() < end) {
                try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                    st.execute("create table if not exists sw (id serial, at timestamptz default now())");
                    while (!stop.get()) {
                        st.executeUpdate("insert into sw default values");
                        long now = System.nanoTime();
                        longestGapNanos = Math.max(longestGapNanos, now - last);
                        last = now;
                        count.incrementAndGet();
                    }
                } catch (SQLException e) {
                    RaftBench.pause(5);
                }
            }
        }

        double longestGapMs() {
            return longestGapNanos / 1e6;
        }

        void awaitWrites(int n) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (count.get() < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the writer made only " + count.get() + " writes");
                }
                RaftBench.pause(10);
            }
        }
    }
}
