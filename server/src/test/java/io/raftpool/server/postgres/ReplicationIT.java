package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The design's scenario at the level of one node's server: a primary, a standby built by
 * pg_basebackup that streams, its promotion, and the old primary rejoining by pg_rewind.
 * Two real PostgreSQL 15 servers, one initdb.
 */
class ReplicationIT {
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Duration PROBE = Duration.ofSeconds(2);

    @Test
    void aStandbyStreamsTakesOverAndTheOldPrimaryRejoinsAsItsStandbyByRewind() throws Exception {
        try (TestPostgres pg = new TestPostgres()) {
            PostgresServer pgsql1 = pg.server("pgsql1");
            PostgresServer pgsql2 = pg.server("pgsql2");
            pgsql1.initPrimary(STEP);
            Sql.execute(pgsql1, "CREATE TABLE events (what text)");
            Sql.execute(pgsql1, "INSERT INTO events VALUES ('before')");

            // 1. pgsql2 is built from pgsql1 and streams from it
            List<CopyProgress> progress = new CopyOnWriteArrayList<>();
            pgsql2.baseBackupFrom("127.0.0.1", pgsql1.settings().port(), "pgsql2", progress::add);
            assertThat(progress).isNotEmpty();
            assertThat(progress.get(progress.size() - 1).percent()).isEqualTo(100);
            assertThat(pgsql2.standbySource())
                    .contains(new StandbySource("127.0.0.1", pgsql1.settings().port(), "pgsql2"));
            // started pointing at a primary that is not there, then repointed while it runs
            int nobody = TestPostgres.freePort();
            pgsql2.configureAsStandby("127.0.0.1", nobody, "pgsql2");
            pgsql2.start(STEP);
            assertThat(pgsql2.probe(PROBE).streaming()).isFalse();
            long pid = pgsql2.postmasterPid().orElseThrow();
            pgsql2.configureAsStandby("127.0.0.1", pgsql1.settings().port(), "pgsql2");

            await().atMost(Duration.ofSeconds(30)).until(() -> pgsql2.probe(PROBE).streaming());
            assertThat(pgsql2.postmasterPid()).as("repointed by a reload, not a restart").hasValue(pid);
            ProbeResult standby = pgsql2.probe(PROBE);
            assertThat(standby.inRecovery()).isTrue();
            assertThat(standby.timeline()).isEqualTo(1);
            assertThat(standby.walReceiver()).hasValueSatisfying(r -> {
                assertThat(r.senderHost()).contains("127.0.0.1");
                assertThat(r.senderPort()).isEqualTo(pgsql1.settings().port());
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> Sql.column(pgsql1,
                    "SELECT application_name || ' ' || state FROM pg_stat_replication"), s -> s.contains("pgsql2 streaming"));
            assertThat(pgsql1.probe(PROBE).replicas()).singleElement().satisfies(r -> {
                assertThat(r.applicationName()).isEqualTo("pgsql2");
                assertThat(r.state()).isEqualTo("streaming");
                assertThat(r.syncState()).isEqualTo("async");
            });
            assertThat(Sql.column(pgsql2, "SELECT what FROM events")).containsExactly("before");
            assertThatThrownBy(() -> Sql.execute(pgsql2, "INSERT INTO events VALUES ('on a standby')"))
                    .hasMessageContaining("read-only");

            // 2. pgsql2 is promoted: a new timeline, writable; promoting again does nothing
            Duration took = pgsql2.promote(Duration.ofSeconds(30));
            assertThat(took).isPositive().isLessThan(Duration.ofSeconds(30));
            ProbeResult promoted = pgsql2.probe(PROBE);
            assertThat(promoted.inRecovery()).isFalse();
            assertThat(promoted.timeline()).isEqualTo(2);
            assertThat(pgsql2.isConfiguredAsStandby()).isFalse();
            assertThat(pgsql2.standbySource()).isEmpty();
            assertThat(pgsql2.promote(Duration.ofSeconds(30))).isZero();
            Sql.execute(pgsql2, "INSERT INTO events VALUES ('after promotion')");

            // 3. the old primary, still writable, diverges, then dies
            Sql.execute(pgsql1, "INSERT INTO events VALUES ('lost')");
            assertThatThrownBy(() -> pgsql1.rewindFrom("127.0.0.1", pgsql2.settings().port(), "pgsql1"))
                    .isInstanceOf(PostgresException.class).hasMessageContaining("stop it first");
            pgsql1.stop(StopMode.IMMEDIATE, STEP);
            assertThat(pgsql1.isRunning()).isFalse();
            Divergence diverged = pgsql1.divergenceFrom("127.0.0.1", pgsql2.settings().port());
            assertThat(diverged.diverged()).isTrue();
            assertThat(diverged.why()).contains("past the switch point");
            List<CopyProgress> rewound = new CopyOnWriteArrayList<>();
            pgsql1.rewindFrom("127.0.0.1", pgsql2.settings().port(), "pgsql1", false, rewound::add);
            assertThat(rewound).isNotEmpty();

            // 4. rewound from pgsql2, it follows pgsql2 on timeline 2 without the lost row
            assertThat(pgsql1.standbySource())
                    .contains(new StandbySource("127.0.0.1", pgsql2.settings().port(), "pgsql1"));
            pgsql1.start(STEP);
            await().atMost(Duration.ofSeconds(30)).until(() -> pgsql1.probe(PROBE).streaming());
            ProbeResult rejoined = pgsql1.probe(PROBE);
            assertThat(rejoined.timeline()).isEqualTo(2);
            assertThat(rejoined.walReceiver().orElseThrow().senderPort()).isEqualTo(pgsql2.settings().port());
            assertThat(pgsql2.probe(PROBE).replicas()).extracting(ProbeResult.Replica::applicationName)
                    .containsExactly("pgsql1");
            await().atMost(Duration.ofSeconds(30)).until(() -> events(pgsql1),
                    e -> e.equals(List.of("after promotion", "before")));

            // 5. a standby stopped on the primary's timeline has nothing to rewind
            pgsql1.stop(StopMode.FAST, STEP);
            Divergence follows = pgsql1.divergenceFrom("127.0.0.1", pgsql2.settings().port());
            assertThat(follows.diverged()).as(follows.why()).isFalse();
        }
    }

    private static List<String> events(PostgresServer server) throws SQLException {
        return Sql.column(server, "SELECT what FROM events ORDER BY what");
    }
}
