package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.config.NodeConfig;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.OsCommand;
import io.raftpool.server.postgres.StopMode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, part 2: the agents' Patroni-style health checks behind a real haproxy (Debian's
 * package; ./raftpool test installs it) with {@code option httpchk GET /primary} in front of
 * both servers. Writers through haproxy and through raftpool's own proxy commit numbered rows
 * while the primary is stopped immediately: both write again on the new primary, and haproxy
 * never hands a connection to a server that is not the committed primary.
 */
class LoadBalancerChecksIT {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(30);

    /** One committed insert: on which server port, when. */
    record Commit(int serverPort, long atMs) {}

    /** Commits rows through one address, reconnecting whenever its session breaks; bounded in time. */
    static final class Writer implements AutoCloseable {
        final List<Commit> commits = new CopyOnWriteArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Writer(int port, String table) {
            thread = new Thread(() -> run(port, table), "writer-" + port);
            thread.start();
        }

        private void run(int port, String table) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (!stop.get() && System.currentTimeMillis() < deadline) {
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port
                        + "/postgres?user=postgres&sslmode=disable&connectTimeout=2&socketTimeout=3");
                     Statement st = c.createStatement()) {
                    int server;
                    try (ResultSet rs = st.executeQuery("select inet_server_port()")) {
                        rs.next();
                        server = rs.getInt(1);
                    }
                    while (!stop.get()) {
                        st.executeUpdate("insert into " + table + " values (default)");
                        commits.add(new Commit(server, System.currentTimeMillis()));
                    }
                } catch (SQLException e) {
                    backOff();
                }
            }
        }

        private static void backOff() {
            try {
                Thread.sleep(50); // a retry loop's pause between attempts, not a wait for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The longest time without a commit between two commits after {@code fromMs}. */
        long longestGapAfter(long fromMs) {
            long gap = 0;
            long last = -1;
            for (Commit c : commits) {
                if (last >= 0 && c.atMs() >= fromMs) {
                    gap = Math.max(gap, c.atMs() - last);
                }
                last = c.atMs();
            }
            return gap;
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }

    @Test
    void haproxyFollowsThePrimaryByItsHealthCheckAcrossAFailover() throws Exception {
        ClusterOptions options = LocalCluster.options().name("lbcheck").proxies(true).healthChecks();
        try (LocalCluster cluster = LocalCluster.start(options)) {
            long epoch = cluster.awaitHealthy(START).getPrimary().getEpoch();
            NodeConfig n0 = cluster.config().requireNode(0);
            NodeConfig n1 = cluster.config().requireNode(1);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            assertThat(check(http, n0, "/primary")).isEqualTo(200);
            assertThat(check(http, n1, "/primary")).isEqualTo(503);
            cluster.awaitState("node 1 streaming", BUDGET, ClusterHealth::healthy);
            assertThat(check(http, n1, "/replica")).isEqualTo(200);
            assertThat(check(http, n0, "/replica")).isEqualTo(503);
            assertThat(check(http, n1, "/replica?lag=10s")).isEqualTo(200); // idle and caught up: replay delay 0
            assertThat(check(http, n1, "/replica?lag=soon")).isEqualTo(400);
            assertThat(check(http, n1, "/liveness")).isEqualTo(200);

            FailoverIT.execute(cluster, 0, "create table lb (id serial primary key)");
            int haproxyPort = FreePorts.take(1).get(0);
            Process haproxy = startHaproxy(cluster, haproxyPort, List.of(n0, n1));
            try (Writer viaHaproxy = new Writer(haproxyPort, "lb");
                 Writer viaProxy = new Writer(n0.proxy().orElseThrow().rwPort(), "lb")) {
                int pg0 = n0.requirePostgres().port();
                int pg1 = n1.requirePostgres().port();
                cluster.awaitState("both writers committing", BUDGET,
                        st -> viaHaproxy.commits.size() > 20 && viaProxy.commits.size() > 20);
                assertThat(viaHaproxy.commits).allSatisfy(c -> assertThat(c.serverPort()).isEqualTo(pg0));

                long stoppedAt = System.currentTimeMillis();
                cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
                cluster.awaitState("node 1 promoted", BUDGET, st -> st.getPrimary().getNodeId() == 1
                        && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE && st.getPrimary().getEpoch() == epoch + 1);
                cluster.awaitState("both writers committing on node 1", BUDGET,
                        st -> viaHaproxy.commits.stream().anyMatch(c -> c.serverPort() == pg1)
                                && viaProxy.commits.stream().anyMatch(c -> c.serverPort() == pg1));
                // a copy: the writer goes on appending, and a view of a changing list is not stable
                List<Commit> seen = List.copyOf(viaHaproxy.commits);
                int firstOnNew = firstIndexOn(seen, pg1);
                // once haproxy sent a connection to the new primary, none went to the old one
                assertThat(seen.subList(firstOnNew, seen.size())).allSatisfy(c -> assertThat(c.serverPort()).isEqualTo(pg1));
                assertThat(seen.subList(0, firstOnNew)).allSatisfy(c -> assertThat(c.serverPort()).isEqualTo(pg0));
                assertThat(check(http, n1, "/primary")).isEqualTo(200);
                long haproxyGap = viaHaproxy.longestGapAfter(stoppedAt - 1000);
                long proxyGap = viaProxy.longestGapAfter(stoppedAt - 1000);
                System.out.printf("writes paused by the failover: %d ms through haproxy (httpchk /primary),"
                        + " %d ms through raftpool's proxy%n", haproxyGap, proxyGap);
                assertThat(haproxyGap).isLessThan(BUDGET.toMillis());
            } finally {
                haproxy.destroy();
                haproxy.waitFor();
            }
        }
    }

    private static int firstIndexOn(List<Commit> commits, int port) {
        for (int i = 0; i < commits.size(); i++) {
            if (commits.get(i).serverPort() == port) {
                return i;
            }
        }
        throw new AssertionError("no commit on port " + port);
    }

    private static int check(HttpClient http, NodeConfig node, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + node.host() + ":" + node.healthPort() + path))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** haproxy in front of the servers, each checked on its agent's /primary; run as the PostgreSQL os user. */
    private static Process startHaproxy(LocalCluster cluster, int port, List<NodeConfig> servers) throws IOException {
        StringBuilder cfg = new StringBuilder(String.join("\n",
                "global", "  nbthread 1",
                "defaults", "  mode tcp", "  timeout connect 2s", "  timeout client 1m", "  timeout server 1m",
                "  timeout check 1s",
                "listen postgres", "  bind 127.0.0.1:" + port, "  option httpchk GET /primary",
                "  http-check expect status 200",
                "  default-server inter 200ms fall 2 rise 1 on-marked-down shutdown-sessions", ""));
        for (NodeConfig n : servers) {
            cfg.append("  server ").append(n.name()).append(' ').append(n.host()).append(':')
                    .append(n.requirePostgres().port()).append(" check port ").append(n.healthPort()).append('\n');
        }
        OsCommand os = OsCommand.forUser(cluster.config().requireNode(0).requirePostgres().osUser());
        Path dir = cluster.dir().resolve("haproxy");
        os.ensureDirectory(dir, "rwx------");
        os.writeFile(dir.resolve("haproxy.cfg"), cfg.toString(), "rw-------");
        Path log = dir.resolve("haproxy.out");
        Process p = new ProcessBuilder(os.argv(List.of(haproxyBinary(), "-db", "-f", dir.resolve("haproxy.cfg").toString())))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        cluster.awaitState("haproxy listening", BUDGET, st -> listening(port) || !p.isAlive());
        assertThat(p.isAlive()).as("haproxy runs: " + Files.readString(log)).isTrue();
        return p;
    }

    private static String haproxyBinary() {
        for (String p : List.of("/usr/sbin/haproxy", "/usr/bin/haproxy")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new AssertionError("haproxy is not installed; ./raftpool test installs it (apt-get install -y haproxy)");
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
