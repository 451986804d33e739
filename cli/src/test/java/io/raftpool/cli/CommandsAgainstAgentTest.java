package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.testkit.LoopbackAgent;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every status and action command end to end: config file, admin client, real gRPC over a
 * loopback port to a test agent, rendering, exit code. Only node 1's agent runs: node 0's is
 * asked first and refuses the connection, so every command also shows the client moving on.
 */
class CommandsAgainstAgentTest {
    @TempDir
    static Path dir;

    private static final FixedAdmin admin = new FixedAdmin();
    private static LoopbackAgent agent;
    private static String config;

    @BeforeAll
    static void startAgent() {
        agent = new LoopbackAgent(admin);
        config = TestClusters.writeConfig(dir, TestClusters.deadPort(), agent.port(), TestClusters.deadPort()).toString();
    }

    @AfterAll
    static void stopAgent() {
        agent.close();
    }

    @BeforeEach
    void forgetRequests() {
        admin.requests.clear();
    }

    @Test
    void poolNodesPrintsTheCommittedServersAndTheEpoch() {
        CliRun.Result r = CliRun.run(dir, "--config", config, "pool-nodes");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .contains("       0 | 10.0.0.11 | 5432 | down (needs recovery) | primary (old) |")
                .contains("       1 | 10.0.0.12 | 5432 | up                    | primary       |")
                .contains("\nprimary: node 1 (pgsql2), epoch 2, active since 2025-11-26 01:05:07\n");
        assertThat(admin.requests).containsExactly("GetState");
    }

    @Test
    void poolNodesJsonHasTheFieldsScriptsNeed() throws IOException {
        CliRun.Result r = CliRun.run(dir, "pool-nodes", "--json", "--config", config);
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode nodes = new ObjectMapper().readTree(r.out()).get("nodes");
        assertThat(nodes).hasSize(2);
        for (JsonNode node : nodes) {
            assertThat(node.has("node_id") && node.has("hostname") && node.has("port") && node.has("status")
                    && node.has("role")).as(node.toString()).isTrue();
        }
        assertThat(nodes.get(1).get("status").asText()).isEqualTo("up");
        assertThat(nodes.get(1).get("role").asText()).isEqualTo("primary");
    }

    @Test
    void watchdogInfoPrintsQuorumLeaderAndVip() throws IOException {
        CliRun.Result text = CliRun.run(dir, "--config", config, "watchdog-info");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("agents: 3, quorum: present (2 of 3 agents needed)\n"
                + "leader: node 2 (witness), term 3\n"
                + "vip: 10.0.0.100 on node 2 (witness) since 2025-11-26 01:04:03, term 3\n");
        CliRun.Result json = CliRun.run(dir, "--config", config, "watchdog-info", "--json");
        assertThat(new ObjectMapper().readTree(json.out()).get("leader_id").asInt()).isEqualTo(2);
    }

    @Test
    void nodeInfoShowsOneNode() {
        CliRun.Result r = CliRun.run(dir, "--config", config, "node-info", "0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("node 0 (pgsql1)\n").contains("  status              down (needs recovery)\n")
                .contains(" 2 (witness) | unreachable |");
    }

    @Test
    void nodeInfoOfAnUnknownNodeListsTheKnownOnesWithoutAskingTheAgents() {
        CliRun.Result r = CliRun.run(dir, "--config", config, "node-info", "7");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("raftpool node-info: there is no node 7 in " + config
                + "; the nodes are 0 (pgsql1), 1 (pgsql2), 2 (witness)\n");
        assertThat(r.out()).isEmpty();
        assertThat(admin.requests).isEmpty();
    }

    @Test
    void eventsShowsTheLatestOnes() {
        CliRun.Result r = CliRun.run(dir, "--config", config, "events", "--limit", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("   3 | 2025-11-26 01:05:05 | failover |")
                .contains("   4 | 2025-11-26 01:05:07 | promote  |").doesNotContain("leader").endsWith("(2 rows)\n");
    }

    @Test
    void anAcceptedPromotionPrintsTheReply() {
        CliRun.Result r = CliRun.run(dir, "--config", config, "promote-node", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("promote-node 1: accepted (epoch 3): promoting node 1 at epoch 3\n");
        assertThat(admin.requests).containsExactly("PromoteNode 1");
    }

    @Test
    void waitingForTheOutcomeIsPassedOnWithItsTimeout() {
        CliRun.Result r = CliRun.run(dir, "--config", config, "promote-node", "1", "--wait", "--timeout", "5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(admin.requests).containsExactly("PromoteNode 1 wait 5000ms");
    }

    @Test
    void aRefusalGoesToStderrWithExitCodeOne() {
        CliRun.Result r = CliRun.run(dir, "--config", config, "detach-node", "1");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("detach-node 1: refused (epoch 2): node 1 is the primary; promote another node first\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aRefusalInJsonIsPrintedAndStillFails() throws IOException {
        CliRun.Result r = CliRun.run(dir, "--config", config, "detach-node", "1", "--json");
        assertThat(r.exitCode()).isEqualTo(1);
        JsonNode reply = new ObjectMapper().readTree(r.out());
        assertThat(reply.get("command").asText()).isEqualTo("detach-node");
        assertThat(reply.get("node_id").asInt()).isEqualTo(1);
        assertThat(reply.get("accepted").asBoolean()).isFalse();
        assertThat(reply.get("message").asText()).isEqualTo("node 1 is the primary; promote another node first");
        assertThat(r.err()).startsWith("detach-node 1: refused");
    }

    @Test
    void anAgentsErrorAnswerIsAFailedOperation() {
        CliRun.Result r = CliRun.run(dir, "--config", config, "attach-node", "0");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("raftpool attach-node: 127.0.0.1:" + agent.port()
                + " rejected AttachNode(node 0): FAILED_PRECONDITION: node 0 is not detached\n");
    }

    @Test
    void aWitnessCannotBePromotedAndTheAgentsAreNotAsked() {
        CliRun.Result r = CliRun.run(dir, "--config", config, "promote-node", "2");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("raftpool promote-node: node 2 (witness) is a witness: it has no PostgreSQL"
                + " server; the PostgreSQL servers are 0 (pgsql1), 1 (pgsql2)\n");
        assertThat(admin.requests).isEmpty();
    }
}
