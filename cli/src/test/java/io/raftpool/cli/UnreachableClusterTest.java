package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("raftpool pool-nodes: no raftpool agent answered GetState; tried 3:\n"
                + "  127.0.0.1:" + a + ": connection refused\n"
                + "  127.0.0.1:" + b + ": connection refused\n"
                + "  127.0.0.1:" + c + ": connection refused\n"
                + "check that the agents are running and that these are their admin addresses"
                + " (host and admin_port of each node in the config)\n");
    }

    @Test
    void anActionThatReachedNoAgentIsUnreachableToo() {
        Path config = TestClusters.writeConfig(dir, TestClusters.deadPort(), TestClusters.deadPort(), TestClusters.deadPort());
        CliRun.Result r = CliRun.run(dir, "--config", config.toString(), "promote-node", "1");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).startsWith("raftpool promote-node: no raftpool agent answered PromoteNode(node 1); tried 3:\n");
    }
}
