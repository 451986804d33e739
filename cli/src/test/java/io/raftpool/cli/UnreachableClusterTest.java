package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A config whose agents do not listen: exit code 3 and every address with its error. */
class UnreachableClusterTest {
    @TempDir
    Path dir;

    @Test
    void poolNodesNamesEveryAgentItTried() {
        int a = TestClusters.deadPort();
        int b = TestClusters.deadPort();
        int c = TestClusters.deadPort();
        Path config = TestClusters.writeConfig(dir, a, b, c);
        CliRun.Result r = CliRun.run(dir, "--config", config.toString(), "pool-nodes");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("raftpool pool-nodes: no raftpool agent answered GetState; tried 3:\n"
                + "  127.0.0.1:" + a + ": connection refused\n"
                + "  127.0.0.1:" + b + ": connection refused\n"
                + "  127.0.0.1:" + c + ": connection refused\n"
                + "check that the agents are running and that these are their admin addresses"
                + " (host and admin_port of each node in the config)\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "status --watch", "status --watch --json"})
    void statusOnceOrWatchingEndsWithTheAgentsItTried(String command) {
        int a = TestClusters.deadPort();
        Path config = TestClusters.writeConfig(dir, a, TestClusters.deadPort(), TestClusters.deadPort());
        List<String> args = new ArrayList<>(List.of("--config", config.toString()));
        args.addAll(List.of(command.split(" ")));

        CliRun.Result r = CliRun.run(dir, args.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("raftpool status: no raftpool agent answered ")
                .contains("tried 3:\n  127.0.0.1:" + a + ": connection refused\n");
    }

    @Test
    void anActionThatReachedNoAgentIsUnreachableToo() {
        Path config = TestClusters.writeConfig(dir, TestClusters.deadPort(), TestClusters.deadPort(), TestClusters.deadPort());
        CliRun.Result r = CliRun.run(dir, "--config", config.toString(), "promote-node", "1");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).startsWith("raftpool promote-node: no raftpool agent answered PromoteNode(node 1); tried 3:\n");
    }
}
