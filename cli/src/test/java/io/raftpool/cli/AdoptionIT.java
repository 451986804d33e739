package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.config.NodeConfig;
import io.raftpool.config.PostgresConfig;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.Command;
import io.raftpool.server.postgres.OsCommand;
import io.raftpool.server.postgres.StopMode;
import io.raftpool.server.state.ClusterStates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Adopting a running pair (issue 15, part 4): a primary and a streaming standby set up by hand,
 * as pgpool-II users have them (initdb, pg_basebackup -R), then raftpool started on them: no
 * initdb, no copy, no data lost, both up, and failover works.
 */
class AdoptionIT {
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Duration START = Duration.ofSeconds(120);
    private static final int ROWS = 1000;

    @Test
    void raftpoolTakesOverAPairSetUpByHandWithoutCopyingItAndFailsItOver() throws Exception {
        try (LocalCluster cluster = LocalCluster.create(LocalCluster.options().name("adopt"))) {
            NodeConfig n0 = cluster.config().requireNode(0);
            NodeConfig n1 = cluster.config().requireNode(1);
            PostgresConfig pg0 = n0.requirePostgres();
            PostgresConfig pg1 = n1.requirePostgres();
            OsCommand os = OsCommand.forUser(pg0.osUser());
            String extraRule = "host all all ::1/128 trust";

            // by hand: a primary with data ...
            run(os, pg0.bin("initdb").toString(), "-D", pg0.dataDir().toString(), "-U", "postgres", "--auth=trust");
            appendConf(os, pg0.dataDir().resolve("postgresql.conf"), "port = " + pg0.port(),
                    "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''");
            os.writeFile(pg0.dataDir().resolve("pg_hba.conf"), "local all all trust\nhost all all 127.0.0.0/8 trust\n"
                    + "host replication all 127.0.0.0/8 trust\n" + extraRule + "\n", "rw-------");
            run(os, pg0.bin("pg_ctl").toString(), "-D", pg0.dataDir().toString(), "-l",
                    pg0.dataDir().resolve("hand.log").toString(), "-w", "start");
            Sql.execute(cluster, 0, "create table t (id int primary key); insert into t select generate_series(1, " + ROWS + ")");
            String systemId = Sql.query(cluster, 0, "select system_identifier::text from pg_control_system()");
            // ... and a standby streaming from it
            run(os, pg1.bin("pg_basebackup").toString(), "-h", n0.host(), "-p", Integer.toString(pg0.port()), "-U",
                    "postgres", "-D", pg1.dataDir().toString(), "-R", "-X", "stream");
            appendConf(os, pg1.dataDir().resolve("postgresql.conf"), "port = " + pg1.port());
            run(os, pg1.bin("pg_ctl").toString(), "-D", pg1.dataDir().toString(), "-l",
                    pg1.dataDir().resolve("hand.log").toString(), "-w", "start");
            awaitTrue("the standby streams", () -> Sql.query(cluster, 0, "select count(*) from pg_stat_replication"
                    + " where state = 'streaming'").equals("1"));

            // the check names what would stop raftpool: a client rule its pg_hba.conf would drop
            String config = cluster.configPath().toString();
            CliRun.Result blocked = CliRun.run(cluster.dir(), "--config", config, "adopt-check");
            assertThat(blocked.exitCode()).as(blocked.out() + blocked.err()).isEqualTo(1);
            assertThat(blocked.out()).contains("node 0 (pgsql1, 127.0.0.1:" + pg0.port() + "): primary")
                    .contains("pg_hba.conf has rules raftpool would drop (it writes pg_hba.conf from postgres.hba): '"
                            + extraRule + "'")
                    .contains("postgresql.auto.conf sets primary_conninfo")
                    .contains("wal_log_hints is off");
            // the operator removes it on both servers, as the check says
            for (PostgresConfig pg : List.of(pg0, pg1)) {
                String hba = Files.readString(pg.dataDir().resolve("pg_hba.conf")).replace(extraRule + "\n", "");
                os.writeFile(pg.dataDir().resolve("pg_hba.conf"), hba, "rw-------");
                run(os, pg.bin("pg_ctl").toString(), "-D", pg.dataDir().toString(), "reload");
            }
            CliRun.Result ready = CliRun.run(cluster.dir(), "--config", config, "adopt-check");
            assertThat(ready.exitCode()).as(ready.out() + ready.err()).isZero();
            assertThat(ready.out()).contains("adopt-check: ready: start the agents and raftpool takes over with node 0");

            cluster.startAll();
            ClusterState s = cluster.awaitHealthy(START);
            assertThat(s.getPrimary().getNodeId()).isZero();
            assertThat(s.getPrimary().getEpoch()).isEqualTo(1);
            assertThat(Sql.query(cluster, 0, "select system_identifier::text from pg_control_system()")).isEqualTo(systemId);
            assertThat(Sql.query(cluster, 1, "select system_identifier::text from pg_control_system()")).isEqualTo(systemId);
            assertThat(Sql.query(cluster, 1, "select count(*) from t")).isEqualTo(Integer.toString(ROWS));
            // the standby now streams through raftpool's slot, with raftpool's settings, not pg_basebackup's
            awaitTrue("node 1 streams through slot pgsql2", () -> Sql.query(cluster, 0,
                    "select count(*) from pg_replication_slots where slot_name = 'pgsql2' and active").equals("1"));
            assertThat(Sql.query(cluster, 1, "select count(*) from pg_file_settings where name = 'primary_conninfo'"
                    + " and sourcefile like '%postgresql.auto.conf'")).isEqualTo("0");

            // and failover works
            cluster.postgres(0).stop(StopMode.IMMEDIATE, STEP);
            ClusterState after = cluster.awaitState("node 1 promoted", STEP,
                    st -> st.getPrimary().getNodeId() == 1 && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
            assertThat(after.getPrimary().getEpoch()).isEqualTo(2);
            assertThat(ClusterStates.backend(after, 0).orElseThrow().getStatus()).isEqualTo(BackendStatus.DOWN);
            Sql.execute(cluster, 1, "insert into t values (" + (ROWS + 1) + ")");
            assertThat(Sql.query(cluster, 1, "select count(*) from t")).isEqualTo(Integer.toString(ROWS + 1));
        }
    }

    private static void run(OsCommand os, String... argv) {
        os.run(Command.of(STEP, argv));
    }

    private static void appendConf(OsCommand os, Path conf, String... lines) throws Exception {
        List<String> all = new ArrayList<>(Files.readAllLines(conf));
        all.addAll(List.of(lines));
        os.writeFile(conf, String.join("\n", all) + "\n", "rw-------");
    }


    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (SQLException e) {
                // not yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
