package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.harness.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * raftpool backup, backups and recovery-node --from-backup as an operator runs them (issue 16),
 * against real servers and agents sharing a WAL archive.
 */
class BackupIT {
    private static final Duration START = Duration.ofSeconds(120);

    @Test
    void aBackupIsTakenListedAndRestored() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("clibackup").archive())) {
            cluster.awaitHealthy(START);
            Path cwd = cluster.dir();
            String config = cluster.configPath().toString();
            Sql.execute(cluster, 0, "create table b (id int); insert into b select generate_series(1, 100)");

            String taken = run(cwd, "--config", config, "backup");
            assertThat(taken).startsWith("base backup of node 1 requested").containsPattern(
                    "base backup \\d{8}T\\d{6}Z-\\S+ of node 1 done: \\d+ MB, timeline 1, WAL from \\S+");

            JsonNode listed = new ObjectMapper().readTree(run(cwd, "--config", config, "backups", "--json"));
            assertThat(listed.get("backups")).hasSize(1);
            assertThat(listed.get("backups").get(0).get("node_id").asInt()).isEqualTo(1);
            String label = listed.get("backups").get(0).get("label").asText();
            assertThat(run(cwd, "--config", config, "backups")).contains(label);

            Sql.execute(cluster, 0, "insert into b select generate_series(101, 200); select pg_switch_wal()");
            String restored = run(cwd, "--config", config, "recovery-node", "1", "--from-backup");
            assertThat(restored).contains("node 1 is up: rebuilt with backup " + label);
            cluster.awaitState("node 1 has every row", START,
                    st -> rows(cluster, 1).equals("200"));

            CliRun.Result unknown = CliRun.run(cwd, "--config", config, "backup", "--node", "7");
            assertThat(unknown.exitCode()).isNotZero();
            assertThat(unknown.err()).contains("7");
        }
    }

    private static String rows(LocalCluster cluster, int node) {
        try {
            return Sql.query(cluster, node, "select count(*) from b");
        } catch (java.sql.SQLException e) {
            return "";
        }
    }

    private static String run(Path cwd, String... args) {
        CliRun.Result r = CliRun.run(cwd, args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }
}
