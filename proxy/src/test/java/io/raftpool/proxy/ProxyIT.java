package io.raftpool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftpool.config.ProxySettings;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.testkit.States;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.util.PSQLException;

/**
 * The proxy against real PostgreSQL servers (a primary and two streaming standbys; pg0 and pg1
 * with TLS, pg2 without) and
 * a stand-in agent whose committed state each test controls. Every connection goes over real
 * loopback sockets; JDBC is the client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyIT {

    /** proxy.hold_timeout 0: refused at once, as before holding (ProxyHoldIT holds). */
    private static final ProxySettings SETTINGS =
            new ProxySettings(Duration.ofMillis(1500), Duration.ofMillis(700), Duration.ofMillis(1000))
                    .withHoldTimeout(Duration.ZERO);
    /** Sessions spread over several event loops (proxy.io_threads), where S1's ordering is hardest to keep. */
    private static final ProxySettings SEVERAL_LOOPS =
            new ProxySettings(Duration.ofMillis(1500), Duration.ofMillis(700), Duration.ofMillis(1000), 4)
                    .withHoldTimeout(Duration.ZERO);

    private TestServers servers;
    private PostgresServer pg0;
    private PostgresServer pg1;
    private PostgresServer pg2;
    private final List<AutoCloseable> perTest = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeAll
    void startServers() throws Exception {
        servers = new TestServers();
        pg0 = servers.primary("pg0");
        pg1 = servers.standbyOf(pg0, "pg1", true);
        pg2 = servers.standbyOf(pg0, "pg2", false);
    }

    @AfterAll
    void stopServers() throws Exception {
        background.shutdownNow();
        if (servers != null) {
            servers.close();
        }
    }

    @AfterEach
    void closePerTest() throws Exception {
        for (int i = perTest.size() - 1; i >= 0; i--) {
            perTest.get(i).close();
        }
        perTest.clear();
    }

    // ---------------------------------------------------------------------------------------

    @Test
    void readWritePortWritesToThePrimary() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);
        agent.publish(healthy(1));
        awaitEpoch(proxy, 1);

        try (Connection c = jdbc(proxy.readWritePort(), "disable", "rw-write")) {
            assertThat(serverPort(c)).isEqualTo(port(pg0));
            execute(c, "CREATE TABLE IF NOT EXISTS through_proxy (v text)");
            execute(c, "INSERT INTO through_proxy VALUES ('written via the proxy')");
        }
        try (Connection direct = jdbc(port(pg0), "disable", "direct")) {
            assertThat(queryLong(direct, "SELECT count(*) FROM through_proxy WHERE v = 'written via the proxy'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void switchingThePrimaryClosesEveryOldSessionBeforeTheNewPrimaryIsReached() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SEVERAL_LOOPS, agent);
        // epoch 1, no standby up: the read-only port falls back to the primary
        agent.publish(States.empty().upPrimary(0, port(pg0)).downStandby(1, port(pg1)).downStandby(2, port(pg2))
                .primary(0, 1, PrimaryPhase.ACTIVE).build());
        awaitEpoch(proxy, 1);
        Connection oldWrite = open(jdbc(proxy.readWritePort(), "disable", "old-rw"));
        Connection oldRead = open(jdbc(proxy.readOnlyPort(), "disable", "old-ro"));
        assertThat(serverPort(oldWrite)).isEqualTo(port(pg0));
        assertThat(serverPort(oldRead)).isEqualTo(port(pg0));
        // standby 2 comes up: the read-only session on the primary stays
        agent.publish(healthyWithStandbys(1, 2));
        await().atMost(Duration.ofSeconds(5)).until(() -> routesTo(proxy.readOnlyPort(), pg2));
        Connection standbyRead = open(jdbc(proxy.readOnlyPort(), "disable", "standby-ro"));
        assertThat(serverPort(standbyRead)).isEqualTo(port(pg2));
        assertThat(oldRead.isValid(2)).isTrue();

        // epoch 2: node 1 was promoted, node 0 is down
        agent.publish(States.empty().downStandby(0, port(pg0)).upPrimary(1, port(pg1)).upStandby(2, port(pg2))
                .primary(1, 2, PrimaryPhase.ACTIVE).build());
        awaitEpoch(proxy, 2);
        try (Connection fresh = jdbc(proxy.readWritePort(), "disable", "new-rw")) {
            assertThat(serverPort(fresh)).isEqualTo(port(pg1));
            // by the time the new primary was reached, the proxy had closed the old sessions
            assertThat(oldWrite.isValid(2)).isFalse();
            assertThat(oldRead.isValid(2)).isFalse();
        }
        assertThat(standbyRead.isValid(2)).as("a standby that stays a standby keeps its sessions").isTrue();
        assertThat(proxy.openSessions(ProxyPort.READ_WRITE, 0)).isZero();
    }

    @Test
    void withoutAPrimaryClientsGetAnErrorPromptly() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);

        assertRefused(proxy.readWritePort(), "disable", "no cluster state received");

        agent.publish(States.empty().downStandby(0, port(pg0)).upStandby(1, port(pg1)).upStandby(2, port(pg2))
                .primary(1, 7, PrimaryPhase.PROMOTING).build());
        awaitEpoch(proxy, 7);
        for (String sslmode : List.of("disable", "prefer")) {
            assertRefused(proxy.readWritePort(), sslmode, "no primary available (failover in progress: promoting node 1,"
                    + " epoch 7); retry shortly");
        }
        // reads go on on the standby that is not being promoted
        try (Connection read = jdbc(proxy.readOnlyPort(), "prefer", "ro-during-failover")) {
            assertThat(serverPort(read)).isEqualTo(port(pg2));
        }
        agent.publish(States.empty().downStandby(0, port(pg0)).downStandby(1, port(pg1)).downStandby(2, port(pg2))
                .primary(1, 8, PrimaryPhase.PROMOTING).build());
        awaitEpoch(proxy, 8);
        assertRefused(proxy.readOnlyPort(), "disable", "no server available for read-only connections");
    }

    @Test
    void aStaleViewEndsWriteSessionsOnlyOnceItIsOlderThanTheBound() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);
        agent.publish(healthy(1));
        awaitEpoch(proxy, 1);
        Connection write = open(jdbc(proxy.readWritePort(), "disable", "stale-rw"));
        Connection read = open(jdbc(proxy.readOnlyPort(), "disable", "stale-ro"));
        assertThat(serverPort(read)).isIn(port(pg1), port(pg2));

        agent.silence();
        long silencedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(20)).until(() -> !works(write));
        long brokenAt = System.nanoTime();

        // the proxy received the last view after it was sent, so the bound runs from then at the earliest
        long sinceLastViewMs = (brokenAt - agent.lastSentNanos()) / 1_000_000;
        assertThat(sinceLastViewMs).isGreaterThanOrEqualTo(SETTINGS.staleAfter().toMillis() - 2);
        assertThat((brokenAt - silencedAt) / 1_000_000).isLessThan(SETTINGS.staleAfter().toMillis() + 1500);
        assertThat(read.isValid(2)).as("standby sessions outlive a stale view").isTrue();
        assertRefused(proxy.readWritePort(), "disable", "lost touch with the cluster");

        agent.resume();
        await().atMost(Duration.ofSeconds(10)).until(() -> routesTo(proxy.readWritePort(), pg0));
    }

    @Test
    void anAgentCutOffFromTheMajorityMakesTheViewStaleWhileItStillStreams() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);
        agent.publish(healthy(1));
        awaitEpoch(proxy, 1);
        Connection write = open(jdbc(proxy.readWritePort(), "disable", "cutoff-rw"));

        agent.contactAge(SETTINGS.staleAfter().toMillis() + 500);
        await().atMost(Duration.ofSeconds(3)).until(() -> !works(write));
        assertRefused(proxy.readWritePort(), "disable", "lost touch with the cluster");

        agent.contactAge(-1);
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3))
                .until(() -> !routesTo(proxy.readWritePort(), pg0));

        agent.contactAge(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> routesTo(proxy.readWritePort(), pg0));
    }

    @Test
    void readOnlyPortSpreadsOverStandbysAndFallsBackToThePrimary() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);
        agent.publish(healthy(1));
        awaitEpoch(proxy, 1);
        Connection write = open(jdbc(proxy.readWritePort(), "disable", "spread-rw"));
        Map<Integer, List<Connection>> reads = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            Connection c = open(jdbc(proxy.readOnlyPort(), "disable", "spread-ro"));
            reads.computeIfAbsent(serverPort(c), k -> new ArrayList<>()).add(c);
        }
        assertThat(reads).containsOnlyKeys(port(pg1), port(pg2));
        assertThat(reads.get(port(pg1))).hasSize(2);
        assertThat(reads.get(port(pg2))).hasSize(2);

        // standby 1 goes down: only its sessions end
        agent.publish(States.empty().upPrimary(0, port(pg0)).downStandby(1, port(pg1)).upStandby(2, port(pg2))
                .primary(0, 1, PrimaryPhase.ACTIVE).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> reads.get(port(pg1)).stream().noneMatch(ProxyIT::works));
        assertThat(reads.get(port(pg2))).allMatch(ProxyIT::works);
        assertThat(works(write)).isTrue();
        assertThat(routesTo(proxy.readOnlyPort(), pg2)).isTrue();

        // no standby left: reads go to the primary, whose sessions are untouched
        agent.publish(States.empty().upPrimary(0, port(pg0)).downStandby(1, port(pg1)).downStandby(2, port(pg2))
                .primary(0, 1, PrimaryPhase.ACTIVE).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> reads.get(port(pg2)).stream().noneMatch(ProxyIT::works));
        assertThat(works(write)).isTrue();
        assertThat(routesTo(proxy.readOnlyPort(), pg0)).isTrue();
    }

    @Test
    void aServerThatDoesNotAcceptIsSkippedForReadsAndReportedForWrites() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);
        int nobodyListens = TestServers.freePort();
        try (ServerSocket full = saturatedListener()) {
            // node 1 refuses connections, node 3 never answers them; node 2 is fine
            agent.publish(States.empty().upPrimary(0, port(pg0)).upStandby(1, nobodyListens).upStandby(2, port(pg2))
                    .upStandby(3, full.getLocalPort()).primary(0, 1, PrimaryPhase.ACTIVE).build());
            awaitEpoch(proxy, 1);
            for (int i = 0; i < 3; i++) {
                try (Connection c = jdbc(proxy.readOnlyPort(), "disable", "skip-ro")) {
                    assertThat(serverPort(c)).isEqualTo(port(pg2));
                }
            }

            agent.publish(States.empty().upPrimary(0, full.getLocalPort()).upStandby(2, port(pg2))
                    .primary(0, 2, PrimaryPhase.ACTIVE).build());
            awaitEpoch(proxy, 2);
            long start = System.nanoTime();
            assertRefused(proxy.readWritePort(), "disable", "cannot reach the primary node 0");
            assertRefused(proxy.readWritePort(), "disable", "timed out after 700 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void cancelThroughTheProxyStopsARunningQuery() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);
        agent.publish(healthy(1));
        awaitEpoch(proxy, 1);

        // plain text: the proxy learnt the key and sends the cancel to that one server
        assertCancels(proxy, "disable", "cancel-plain");
        assertThat(scrape(proxy)).contains("raftpool_proxy_cancel_requests_total{route=\"known\"} 1.0");
        // TLS: the proxy cannot read the key, so it sends the cancel to every server; it still lands
        assertCancels(proxy, "require", "cancel-tls");
        assertThat(scrape(proxy)).contains("raftpool_proxy_cancel_requests_total{route=\"broadcast\"} 1.0");
    }

    @Test
    void tlsPassesThroughToTheServer() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);
        agent.publish(healthy(1));
        awaitEpoch(proxy, 1);
        // the read-only port picks pg1 (lowest id, no sessions yet), the other server with TLS
        for (int port : List.of(proxy.readWritePort(), proxy.readOnlyPort())) {
            try (Connection c = jdbc(port, "require", "tls");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
                assertThat(rs.getString(2)).startsWith("TLS");
            }
        }
    }

    @Test
    void anSslRequestDeclinedByTheServerIsFollowedByAPlainStart() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);
        // reads go to pg2, which has no TLS and answers 'N'
        agent.publish(healthyWithStandbys(1, 2));
        awaitEpoch(proxy, 1);
        try (Socket s = rawSocket(proxy.readOnlyPort())) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(ByteBuffer.allocate(8).putInt(8).putInt(StartupPacket.SSL_REQUEST).array());
            assertThat(in.readByte()).isEqualTo((byte) 'N');
            out.write(StartupPacketTest.startupMessage("postgres", "postgres"));
            List<Character> types = new ArrayList<>();
            char type;
            do {
                type = (char) in.readByte();
                byte[] body = new byte[in.readInt() - 4];
                in.readFully(body);
                types.add(type);
            } while (type != 'Z');
            assertThat(types).contains('R', 'S', 'K', 'Z');
            assertThat(proxy.openSessions(ProxyPort.READ_ONLY, 2)).isEqualTo(1);
        }
    }

    @Test
    void aClientThatDoesNotReadHoldsTheServerBackRatherThanFillingTheProxy() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);
        agent.publish(healthy(1));
        awaitEpoch(proxy, 1);
        int rows = 60_000;
        int width = 1000;
        try (Socket s = rawSocket(proxy.readWritePort());
             Connection direct = jdbc(port(pg0), "disable", "watch-slow-reader")) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream(), 65536));
            out.write(StartupPacketTest.startupMessage("postgres", "postgres"));
            skipUntil(in, 'Z');
            String sql = "SELECT repeat('x', " + width + ") FROM generate_series(1, " + rows + ")";
            byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
            out.write(ByteBuffer.allocate(5 + text.length).put((byte) 'Q').putInt(4 + text.length).put(text).array());

            // about 60 MB are on their way: once the flow has stopped, the proxy must hold little of it
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).during(Duration.ofSeconds(1))
                    .until(() -> {
                        long now = bytesFromServers(proxy);
                        boolean still = now == last[0];
                        last[0] = now;
                        return still;
                    });
            assertThat(last[0]).as("bytes relayed to a client that reads nothing").isLessThan(32L << 20);
            long held = ((io.netty.buffer.ByteBufAllocatorMetricProvider) io.netty.buffer.ByteBufAllocator.DEFAULT)
                    .metric().usedDirectMemory();
            assertThat(held).as("direct memory held by the proxy").isLessThan(32L << 20);
            assertThat(queryLong(direct, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'ClientWrite'"
                    + " AND query LIKE 'SELECT repeat%'")).as("the server waits for the client").isEqualTo(1);

            int dataRows = 0;
            char type;
            do {
                type = (char) in.readByte();
                int length = in.readInt();
                in.skipNBytes(length - 4);
                if (type == 'D') {
                    dataRows++;
                }
            } while (type != 'Z');
            assertThat(dataRows).isEqualTo(rows);
        }
    }

    private static long bytesFromServers(Proxy proxy) throws IOException, InterruptedException {
        String prefix = "raftpool_proxy_bytes_total{direction=\"server_to_client\"} ";
        return scrape(proxy).lines().filter(l -> l.startsWith(prefix))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(prefix.length()))).findFirst().orElse(0);
    }

    private static void skipUntil(DataInputStream in, char wanted) throws IOException {
        char type;
        do {
            type = (char) in.readByte();
            in.skipNBytes(in.readInt() - 4);
        } while (type != wanted);
    }

    @Test
    void silentAndGarbageClientsAreDroppedWhileOthersCarryOn() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);
        agent.publish(healthy(1));
        awaitEpoch(proxy, 1);
        Connection good = open(jdbc(proxy.readWritePort(), "disable", "good"));

        long start = System.nanoTime();
        try (Socket silent = rawSocket(proxy.readWritePort());
             Socket truncated = rawSocket(proxy.readWritePort());
             Socket garbage = rawSocket(proxy.readOnlyPort());
             Socket tooLong = rawSocket(proxy.readWritePort())) {
            truncated.getOutputStream().write(ByteBuffer.allocate(14).putInt(100).putInt(196608).array(), 0, 14);
            garbage.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            tooLong.getOutputStream().write(ByteBuffer.allocate(8).putInt(1 << 20).putInt(196608).array());

            assertThat(droppedWithin(garbage, start)).isLessThan(Duration.ofMillis(800));
            assertThat(droppedWithin(tooLong, start)).isLessThan(Duration.ofMillis(800));
            assertThat(works(good)).isTrue();
            assertThat(droppedWithin(silent, start)).isBetween(Duration.ofMillis(900), Duration.ofMillis(3000));
            assertThat(droppedWithin(truncated, start)).isBetween(Duration.ofMillis(900), Duration.ofMillis(3000));
        }
        assertThat(works(good)).isTrue();
        assertThat(scrape(proxy)).contains("raftpool_proxy_connections_refused_total{port=\"rw\",reason=\"startup_timeout\"} 2.0",
                "raftpool_proxy_connections_refused_total{port=\"ro\",reason=\"bad_startup\"} 1.0");
    }

    @Test
    void anAgentThatIsBehindIsNeverFollowedBackAndAnotherAgentTakesOver() throws Exception {
        TestAgent own = agent(0);
        TestAgent other = agent(1);
        Proxy proxy = proxy(SETTINGS, own, other);
        ClusterState epoch2 = States.empty().downStandby(0, port(pg0)).upPrimary(1, port(pg1)).upStandby(2, port(pg2))
                .primary(1, 2, PrimaryPhase.ACTIVE).build();
        own.publish(epoch2);
        other.publish(healthy(1));
        awaitEpoch(proxy, 2);
        assertThat(routesTo(proxy.readWritePort(), pg1)).isTrue();

        own.close();
        // the other agent is behind: its epoch-1 views are ignored, so the view ages and writes stop
        await().atMost(Duration.ofSeconds(8)).until(() -> other.watchesOpened() > 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> !routesTo(proxy.readWritePort(), pg1));
        assertThat(proxy.epoch()).hasValue(2);
        assertThat(routesTo(proxy.readWritePort(), pg0)).isFalse();

        other.publish(epoch2);
        await().atMost(Duration.ofSeconds(10)).until(() -> routesTo(proxy.readWritePort(), pg1));
    }

    @Test
    void metricsDescribeRoutingAndTheView() throws Exception {
        TestAgent agent = agent(0);
        Proxy proxy = proxy(SETTINGS, agent);
        agent.publish(healthy(3));
        awaitEpoch(proxy, 3);
        Connection write = open(jdbc(proxy.readWritePort(), "disable", "metrics-rw"));
        execute(write, "SELECT 1");
        agent.publish(States.empty().upPrimary(0, port(pg0)).primary(0, 4, PrimaryPhase.PROMOTING).build());
        awaitEpoch(proxy, 4);
        assertRefused(proxy.readWritePort(), "disable", "no primary available");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape(proxy)).contains(
                "raftpool_proxy_connections_routed_total{backend=\"0\",port=\"rw\"} 1.0",
                "raftpool_proxy_connections_open{backend=\"0\",port=\"rw\"} 0.0",
                "raftpool_proxy_connections_refused_total{port=\"rw\",reason=\"no_primary\"} 1.0",
                "raftpool_proxy_epoch 4.0",
                "raftpool_proxy_bytes_total{direction=\"client_to_server\"}",
                "raftpool_proxy_bytes_total{direction=\"server_to_client\"}",
                "raftpool_proxy_view_age_seconds "));
    }

    // ---------------------------------------------------------------------------------------

    private TestAgent agent(int nodeId) throws IOException {
        TestAgent agent = new TestAgent(nodeId);
        perTest.add(agent);
        return agent;
    }

    private Proxy proxy(ProxySettings settings, TestAgent... agents) {
        List<AgentAddress> addresses = new ArrayList<>();
        for (TestAgent a : agents) {
            addresses.add(a.address());
        }
        Proxy proxy = Proxy.start(new ProxyOptions(0, "127.0.0.1", 0, 0, OptionalInt.of(0), addresses, settings,
                MonotonicClock.SYSTEM));
        perTest.add(proxy);
        return proxy;
    }

    private Connection open(Connection c) {
        perTest.add(c);
        return c;
    }

    private ClusterState healthy(long epoch) {
        return healthyWithStandbys(epoch, 1, 2);
    }

    private ClusterState healthyWithStandbys(long epoch, int... standbys) {
        States s = States.empty().upPrimary(0, port(pg0));
        PostgresServer[] all = {pg0, pg1, pg2};
        for (int id = 1; id <= 2; id++) {
            final int n = id;
            boolean up = java.util.Arrays.stream(standbys).anyMatch(x -> x == n);
            s = up ? s.upStandby(id, port(all[id])) : s.downStandby(id, port(all[id]));
        }
        return s.primary(0, epoch, PrimaryPhase.ACTIVE).build();
    }

    private static int port(PostgresServer server) {
        return server.settings().port();
    }

    private static void awaitEpoch(Proxy proxy, long epoch) {
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.epoch().orElse(-1) == epoch);
    }

    static Connection jdbc(int port, String sslmode, String application) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("sslmode", sslmode);
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "5");
        p.setProperty("socketTimeout", "40");
        p.setProperty("ApplicationName", application);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    static int serverPort(Connection c) throws SQLException {
        return (int) queryLong(c, "SELECT inet_server_port()");
    }

    static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static boolean works(Connection c) {
        try {
            return queryLong(c, "SELECT 1") == 1;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Whether a new connection on {@code port} succeeds and reaches {@code server}. */
    private static boolean routesTo(int port, PostgresServer server) {
        try (Connection c = jdbc(port, "disable", "probe")) {
            return serverPort(c) == server.settings().port();
        } catch (SQLException e) {
            return false;
        }
    }

    private static void assertRefused(int port, String sslmode, String message) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> jdbc(port, sslmode, "refused").close())
                .isInstanceOfSatisfying(PSQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("57P03");
                    assertThat(e.getMessage()).contains("raftpool: ").contains(message);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    private void assertCancels(Proxy proxy, String sslmode, String application) throws Exception {
        try (Connection c = jdbc(proxy.readWritePort(), sslmode, application); Statement st = c.createStatement()) {
            Future<Boolean> sleeping = background.submit(() -> st.execute("SELECT pg_sleep(30)"));
            try (Connection direct = jdbc(port(pg0), "disable", "watch-" + application)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> queryLong(direct, "SELECT count(*) FROM pg_stat_activity"
                        + " WHERE application_name = '" + application + "' AND query LIKE 'SELECT pg_sleep%'"
                        + " AND state = 'active'") == 1);
            }
            long start = System.nanoTime();
            st.cancel();
            assertThatThrownBy(() -> sleeping.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(PSQLException.class,
                            e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(works(c)).as("the session survives the cancel").isTrue();
        }
    }

    private static Socket rawSocket(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    /** Reads until the proxy closes the socket; how long after {@code startNanos} that was. */
    private static Duration droppedWithin(Socket s, long startNanos) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() != -1) {
                // a dropped client gets nothing but the end of the stream
            }
        } catch (SocketException reset) {
            // a reset is a drop too
        }
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * A listener that never accepts, its backlog filled: the kernel ignores further connection
     * attempts, which then hang until the connecting side's timeout, like a black-holed host.
     */
    private ServerSocket saturatedListener() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        for (int i = 0; i < 4; i++) {
            Socket filler = new Socket();
            perTest.add(filler);
            try {
                filler.connect(server.getLocalSocketAddress(), 200);
            } catch (IOException e) {
                break;
            }
        }
        return server;
    }

    static String scrape(Proxy proxy) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.metricsPort().getAsInt() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
