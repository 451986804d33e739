package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which config file a command reads, and what it says when that file is missing or wrong. */
class ConfigErrorsTest {
    @TempDir
    Path dir;

    @Test
    void withoutAConfigTheErrorNamesTheDefaultFileTheOptionAndTheVariable() {
        CliRun.Result r = CliRun.run(dir, "pool-nodes");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("raftpool pool-nodes: config file " + dir.resolve("raftpool.yaml")
                + " (the default, as neither --config nor $RAFTPOOL_CONFIG is set) does not exist;"
                + " give the cluster's config file with --config FILE or in $RAFTPOOL_CONFIG\n");
    }

    @Test
    void aMissingFileFromTheVariableSaysWhereItCameFrom() {
        CliRun.Result r = CliRun.run(Map.of("RAFTPOOL_CONFIG", "/nonexistent/cluster.yaml"), dir, "events");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("config file /nonexistent/cluster.yaml (from $RAFTPOOL_CONFIG) does not exist");
    }

    @Test
    void anInvalidConfigPrintsTheLoadersMessage() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                cluster: { name: scenario }
                nodes:
                  - { id: 0, name: a, host: 127.0.0.1, raft_port: 7400, admin_port: 7410, witness: true }
                """);
        CliRun.Result r = CliRun.run(dir, "--config", bad.toString(), "pool-nodes");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("raftpool pool-nodes: ").contains(bad + ": nodes: 1 node(s) given");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void theConfigComesFromTheVariableWhenNoOptionIsGiven() {
        int port = TestClusters.deadPort();
        Path config = TestClusters.writeConfig(dir, port, TestClusters.deadPort(), TestClusters.deadPort());
        CliRun.Result r = CliRun.run(Map.of("RAFTPOOL_CONFIG", config.toString()), dir.resolve("elsewhere"), "pool-nodes");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains("127.0.0.1:" + port + ": connection refused");
    }

    @Test
    void theOptionWinsOverTheVariableAndMayFollowTheCommand() {
        int port = TestClusters.deadPort();
        Path config = TestClusters.writeConfig(dir, port, TestClusters.deadPort(), TestClusters.deadPort());
        CliRun.Result r = CliRun.run(Map.of("RAFTPOOL_CONFIG", "/nonexistent.yaml"), dir,
                "watchdog-info", "--config", config.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains("127.0.0.1:" + port + ": connection refused");
    }
}
