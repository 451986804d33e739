package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.PgBackRestSettings;
import io.raftpool.proto.BackupInfo;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What raftpool asks of pgbackrest and reads from it, without running it (PgBackRestIT runs it). */
class PgBackRestTest {
    private static final PgBackRestSettings MAIN = new PgBackRestSettings("main",
            Optional.of(Path.of("/etc/pgbackrest/raftpool.conf")));

    private static ClusterConfig cluster() {
        return ConfigLoader.parse("""
                cluster: { name: t }
                archive: { pgbackrest: { stanza: main } }
                nodes:
                  - { id: 0, name: db1, host: 10.0.0.11, raft_port: 7000, admin_port: 7001, agent_dir: /tmp/a0,
                      postgres: { port: 5432, data_dir: /var/lib/postgresql/15/main } }
                  - { id: 1, name: db2, host: 10.0.0.12, raft_port: 7000, admin_port: 7001, agent_dir: /tmp/a1,
                      postgres: { port: 5433, data_dir: /srv/pg/data } }
                  - { id: 2, name: w, host: 10.0.0.13, raft_port: 7000, admin_port: 7001, witness: true, agent_dir: /tmp/a2 }
                """, Path.of("t.yaml"));
    }

    @Test
    void everyPostgresNodeIsListedAndThoseOnOtherHostsByHost() {
        ClusterConfig c = cluster();
        PgBackRest onDb2 = new PgBackRest(MAIN, c, c.requireNode(1), null);

        assertThat(onDb2.serverOptions()).containsExactly(
                "--pg1-path=/var/lib/postgresql/15/main", "--pg1-port=5432",
                "--pg1-socket-path=/var/lib/postgresql/15/main.sockets", "--pg1-user=postgres", "--pg1-host=10.0.0.11",
                "--pg2-path=/srv/pg/data", "--pg2-port=5433", "--pg2-socket-path=/srv/pg/data.sockets",
                "--pg2-user=postgres");
    }

    @Test
    void theArchiveCommandsNameTheConfigTheStanzaAndTheServersDataDirectory() {
        assertThat(PgBackRest.commandPrefix(MAIN, Path.of("/srv/pg/data"))).isEqualTo(
                "pgbackrest --config=/etc/pgbackrest/raftpool.conf --stanza=main --pg1-path=/srv/pg/data");
        assertThat(PgBackRest.commandPrefix(new PgBackRestSettings("s1", Optional.empty()), Path.of("/d")))
                .isEqualTo("pgbackrest --stanza=s1 --pg1-path=/d");
    }

    /** pgbackrest 2.45's info --output=json, cut down to two sets (a full and an incremental on it). */
    @Test
    void theNewestSetIsReadFromInfo() {
        String json = """
                [{"archive":[{"database":{"id":1,"repo-key":1},"id":"15-1","max":"000000020000000000000009",
                  "min":"000000010000000000000001"}],
                  "backup":[
                   {"archive":{"start":"000000010000000000000002","stop":"000000010000000000000002"},
                    "error":false,"info":{"delta":22992567,"repository":{"delta":3043461,"size":3043461},"size":22992567},
                    "label":"20261207-084359F","lsn":{"start":"0/2000028","stop":"0/2000100"},"prior":null,
                    "reference":null,"timestamp":{"start":1796633039,"stop":1796633042},"type":"full"},
                   {"archive":{"start":"000000020000000000000008","stop":"000000020000000000000008"},
                    "error":false,"info":{"delta":81920,"repository":{"delta":9000,"size":3100000},"size":23100000},
                    "label":"20261207-084359F_20261207-090102I","lsn":{"start":"0/8000028","stop":"0/8000100"},
                    "prior":"20261207-084359F","reference":["20261207-084359F"],
                    "timestamp":{"start":1796634062,"stop":1796634064},"type":"incr"}],
                  "cipher":"none","name":"main","status":{"code":0,"message":"ok"}}]
                """;

        BackupInfo newest = PgBackRest.newestOf(json).orElseThrow();

        assertThat(newest.getLabel()).isEqualTo("20261207-084359F_20261207-090102I");
        assertThat(newest.getType()).isEqualTo("incr");
        assertThat(newest.getTimeline()).isEqualTo(2);
        assertThat(newest.getStartLsn()).isEqualTo("0/8000028");
        assertThat(newest.getSizeBytes()).isEqualTo(23_100_000);
        assertThat(newest.getFinishedMs() - newest.getStartedMs()).isEqualTo(2000);
        assertThat(PgBackRest.newestOf("[{\"backup\":[],\"name\":\"main\"}]")).isEmpty();
    }

    @Test
    void progressIsReadFromTheDetailLines() {
        assertThat(PgBackRest.percent("2026-12-07 09:01:02.100 P01 DETAIL: backup file /srv/pg/data/base/5/1249"
                + " (440KB, 42.05%) checksum 0f1e")).hasValueSatisfying(p -> assertThat(p.text()).isEqualTo("42%"));
        assertThat(PgBackRest.percent("P00   INFO: backup start archive = 000000010000000000000002")).isEmpty();
    }
}
