package io.raftpool.proxy;

import static io.raftpool.proxy.ProxyIT.jdbc;
import static io.raftpool.proxy.ProxyIT.scrape;
import static io.raftpool.proxy.ProxyIT.serverPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftpool.config.ProxySettings;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.testkit.States;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.util.PSQLException;

/**
 * proxy.hold_timeout against real servers: a client that connects while a new primary is on its
 * way is held and then routed to it (the server it lands on says so, not the proxy), a client
 * held past the bound is told why, and past proxy.hold_max a new one is refused at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyHoldIT {
    private static final ProxySettings HOLDING = new ProxySettings(Duration.ofMillis(1500), Duration.ofMillis(700),
            Duration.ofMillis(1000)).withHoldTimeout(Duration.ofSeconds(5));

    private TestServers servers;
    private PostgresServer pg0;
    private PostgresServer pg1;
    private final List<AutoCloseable> perTest = new ArrayList<>();

    @BeforeAll
    void startServers() throws Exception {
        servers = new TestServers();
        pg0 = servers.primary("pg0");
        pg1 = servers.standbyOf(pg0, "pg1", false);
    }

    @AfterAll
    void stopServers() throws Exception {
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

    @Test
    void aClientConnectingDuringAPromotionIsRoutedToTheNewPrimaryWithoutAnError() throws Exception {
        TestAgent agent = agent();
        Proxy proxy = proxy(HOLDING, agent);
        agent.publish(active(1, 0, port(pg0)));
        awaitEpoch(proxy, 1);
        Connection old = open(jdbc(proxy.readWritePort(), "disable", "before"));
        assertThat(serverPort(old)).isEqualTo(port(pg0));

        agent.publish(States.empty().downStandby(0, port(pg0)).upStandby(1, port(pg1))
                .primary(1, 2, PrimaryPhase.PROMOTING).build());
        awaitEpoch(proxy, 2);
        CompletableFuture<Integer> held = connectInBackground(proxy.readWritePort());
        awaitHeld(proxy, 1);
        assertThat(held).isNotDone();

        agent.publish(active(2, 1, port(pg1)));
        assertThat(held.get(10, TimeUnit.SECONDS)).as("the server the held client reached").isEqualTo(port(pg1));
        assertThat(scrape(proxy)).contains("raftpool_proxy_connections_held 0.0")
                .containsPattern("raftpool_proxy_hold_duration_seconds_count\\{[^}]*outcome=\"routed\"[^}]*} 1");
    }

    @Test
    void aClientConnectingWhileThePrimaryDoesNotAnswerWaitsForTheNextOne() throws Exception {
        TestAgent agent = agent();
        Proxy proxy = proxy(HOLDING, agent);
        agent.publish(active(1, 0, TestServers.freePort())); // nobody listens: a primary just died
        awaitEpoch(proxy, 1);
        CompletableFuture<Integer> held = connectInBackground(proxy.readWritePort());
        awaitHeld(proxy, 1);

        agent.publish(active(2, 0, port(pg0)));
        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(port(pg0));
    }

    @Test
    void aClientHeldPastTheBoundIsToldWhyAndPastHoldMaxANewOneIsRefusedAtOnce() throws Exception {
        TestAgent agent = agent();
        ProxySettings settings = new ProxySettings(Duration.ofMillis(1500), Duration.ofMillis(700),
                Duration.ofMillis(1000), 1, Duration.ofMillis(800), 1);
        Proxy proxy = proxy(settings, agent);
        agent.publish(States.empty().downStandby(0, port(pg0)).upStandby(1, port(pg1))
                .primary(1, 3, PrimaryPhase.PROMOTING).build());
        awaitEpoch(proxy, 3);
        long start = System.nanoTime();
        CompletableFuture<Integer> held = connectInBackground(proxy.readWritePort());
        awaitHeld(proxy, 1);

        PSQLException full = refused(proxy.readWritePort());
        assertThat(full.getMessage()).contains("raftpool: 1 connections are already waiting for the cluster"
                + " (proxy.hold_max 1); no primary available (failover in progress: promoting node 1, epoch 3)");
        ExecutionException late = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> held.get(10, TimeUnit.SECONDS));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(late.getCause()).isInstanceOfSatisfying(PSQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("57P03");
            assertThat(e.getMessage()).contains("(proxy.hold_timeout 800 ms) and no primary available (failover"
                    + " in progress: promoting node 1, epoch 3)");
        });
        assertThat(waitedMs).isBetween(800L, 3000L);
        assertThat(scrape(proxy)).contains("raftpool_proxy_connections_refused_total{port=\"rw\",reason=\"hold_timeout\"} 1.0",
                "raftpool_proxy_connections_refused_total{port=\"rw\",reason=\"hold_full\"} 1.0");
    }

    private ClusterState active(long epoch, int primary, int primaryPort) {
        States s = States.empty().upPrimary(primary, primaryPort);
        if (primary != 1) {
            s = s.upStandby(1, port(pg1));
        }
        return s.primary(primary, epoch, PrimaryPhase.ACTIVE).build();
    }

    private CompletableFuture<Integer> connectInBackground(int port) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Connection c = jdbc(port, "disable", "held");
                synchronized (perTest) {
                    perTest.add(c);
                }
                return serverPort(c);
            } catch (SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    private static PSQLException refused(int port) {
        return org.junit.jupiter.api.Assertions.assertThrows(PSQLException.class,
                () -> jdbc(port, "disable", "refused").close());
    }

    private static void awaitHeld(Proxy proxy, int n) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> scrape(proxy).contains("raftpool_proxy_connections_held " + n + ".0"));
    }

    private static void awaitEpoch(Proxy proxy, long epoch) {
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.epoch().orElse(-1) == epoch);
    }

    private TestAgent agent() throws java.io.IOException {
        TestAgent agent = new TestAgent(0);
        perTest.add(agent);
        return agent;
    }

    private Proxy proxy(ProxySettings settings, TestAgent agent) {
        Proxy proxy = Proxy.start(new ProxyOptions(0, "127.0.0.1", 0, 0, OptionalInt.of(0), List.of(agent.address()),
                settings, MonotonicClock.SYSTEM));
        perTest.add(proxy);
        return proxy;
    }

    private Connection open(Connection c) {
        perTest.add(c);
        return c;
    }

    private static int port(PostgresServer server) {
        return server.settings().port();
    }
}
