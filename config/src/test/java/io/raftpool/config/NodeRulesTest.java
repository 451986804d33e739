package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules about the list of nodes: identity, ports and directories per host, witnesses, quorum. */
class NodeRulesTest {
    private final ConfigYaml valid = ConfigYaml.valid();

    @Test
    void anIdUsedTwiceIsRefusedNamingBothNodes() {
        assertThat(valid.set("nodes[2].id", 0).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: nodes[2].id: 0 is used by nodes[0] (pg0) too; ids must be unique");
    }

    @Test
    void aNameUsedTwiceIsRefusedNamingBothNodes() {
        assertThat(valid.set("nodes[1].name", "pg0").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: nodes[1].name: 'pg0' is used by nodes[0] too; names must be unique");
    }

    private static final List<String> PORT_KEYS = List.of(
            "raft_port", "admin_port", "metrics_port", "admin_sql_port", "proxy.rw_port", "proxy.ro_port", "proxy.metrics_port", "postgres.port");

    static Stream<Arguments> twoPortKeysOfOneNode() {
        List<Arguments> pairs = new ArrayList<>();
        for (int i = 0; i < PORT_KEYS.size(); i++) {
            for (int j = i + 1; j < PORT_KEYS.size(); j++) {
                pairs.add(Arguments.of("nodes[0]." + PORT_KEYS.get(i), "nodes[0]." + PORT_KEYS.get(j)));
            }
        }
        return pairs.stream();
    }

    static Stream<Arguments> portKeysOfTwoNodesOnOneHost() {
        return PORT_KEYS.stream().flatMap(a -> PORT_KEYS.stream()
                .map(b -> Arguments.of("nodes[0]." + a, "nodes[1]." + b)));
    }

    @ParameterizedTest(name = "{1} = {0}")
    @MethodSource({"twoPortKeysOfOneNode", "portKeysOfTwoNodesOnOneHost"})
    void aPortUsedTwiceOnOneHostIsRefusedNamingBothKeys(String taken, String reused) {
        int port = valid.get(taken).asInt();

        assertThat(valid.set(reused, port).problems()).singleElement(STRING)
                .contains(taken, reused, "port " + port + " on 127.0.0.1", "every port on a host must be different");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("portKeys")
    void theSamePortOnAnotherHostIsFine(String key) {
        int port = valid.get("nodes[0]." + key).asInt();

        ClusterConfig config = valid.set("nodes[1].host", "127.0.0.2").set("nodes[1]." + key, port).load();

        assertThat(config.requireNode(1).host()).isEqualTo("127.0.0.2");
    }

    static Stream<String> portKeys() {
        return PORT_KEYS.stream();
    }

    @Test
    void anAdminConsolePortZeroMeansOffAndMayRepeat() {
        ClusterConfig config = valid.set("nodes[0].admin_sql_port", 0).set("nodes[1].admin_sql_port", 0).load();

        assertThat(config.nodes()).extracting(NodeConfig::hasAdminConsole).containsExactly(false, false, false);
    }

    @Test
    void metricsPortZeroMeansOffAndMayRepeat() {
        ClusterConfig config = valid.set("nodes[0].proxy.metrics_port", 0).set("nodes[1].proxy.metrics_port", 0).load();

        assertThat(config.nodes()).flatExtracting(n -> n.proxy().stream().map(NodeConfig.ProxyPorts::metricsPort).toList())
                .containsExactly(0, 0);
    }

    @Test
    void anAgentMetricsPortZeroMeansOffAndMayRepeat() {
        ClusterConfig config = valid.set("nodes[0].metrics_port", 0).set("nodes[1].metrics_port", 0).load();

        assertThat(config.nodes()).extracting(NodeConfig::metricsPort).containsExactly(0, 0, 0);
    }

    @Test
    void aDataDirUsedTwiceOnOneHostIsRefused() {
        assertThat(valid.set("nodes[1].postgres.data_dir", "/tmp/raftpool/pg0/data").problems())
                .singleElement(STRING)
                .isEqualTo("test.yaml: nodes[1].postgres.data_dir: /tmp/raftpool/pg0/data on 127.0.0.1 is used by"
                        + " nodes[0].postgres.data_dir too; every agent_dir and data_dir on a host must be different");
    }

    @Test
    void anAgentDirUsedTwiceOrAsADataDirOnOneHostIsRefused() {
        assertThat(valid.set("nodes[2].agent_dir", "/tmp/raftpool/pg0/").problems()).singleElement(STRING)
                .contains("nodes[2].agent_dir: /tmp/raftpool/pg0", "is used by nodes[0].agent_dir");
        assertThat(valid.set("nodes[1].agent_dir", "/tmp/raftpool/pg0/data").problems()).singleElement(STRING)
                .contains("nodes[1].agent_dir: /tmp/raftpool/pg0/data", "is used by nodes[0].postgres.data_dir");
    }

    @Test
    void theSameDirectoriesOnOtherHostsAreFine() {
        ClusterConfig config = valid
                .set("nodes[1].host", "127.0.0.2").set("nodes[2].host", "127.0.0.3")
                .set("nodes[1].agent_dir", "/tmp/raftpool/pg0").set("nodes[2].agent_dir", "/tmp/raftpool/pg0")
                .set("nodes[1].postgres.data_dir", "/tmp/raftpool/pg0/data")
                .load();

        assertThat(config.nodes()).extracting(NodeConfig::agentDir).containsOnly(Path.of("/tmp/raftpool/pg0"));
    }

    @ParameterizedTest(name = "{0} node(s)")
    @ValueSource(ints = {0, 1, 2})
    void fewerThanThreeAgentsAreRefused(int count) {
        List<Object> nodes = IntStream.range(0, count).mapToObj(i -> (Object) valid.get("nodes[" + i + "]")).toList();

        assertThat(valid.set("nodes", nodes).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: nodes: " + count + " node(s) given; raft needs at least 3 agents so that a"
                        + " majority survives the loss of one (add a witness: an agent without PostgreSQL)");
    }

    @Test
    void aConfigWithoutNodesIsRefused() {
        assertThat(valid.remove("nodes").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: nodes: is required: a list of at least 3 nodes (agents)");
    }

    @Test
    void aNodeThatIsNotAWitnessNeedsPostgres() {
        assertThat(valid.remove("nodes[1].postgres").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: nodes[1].postgres: is required unless the node is a witness"
                        + " (witness: true runs an agent only)");
    }

    @Test
    void aWitnessMayNotHavePostgres() {
        assertThat(valid.set("nodes[2].postgres", Map.of("port", 5439, "data_dir", "/tmp/w")).problems())
                .singleElement(STRING)
                .isEqualTo("test.yaml: nodes[2].postgres: a witness has no PostgreSQL server; remove this section"
                        + " or set witness: false");
    }

    @Test
    void aClusterOfWitnessesOnlyIsRefused() {
        ConfigYaml witnesses = valid
                .remove("nodes[0].postgres").set("nodes[0].witness", true)
                .remove("nodes[1].postgres").set("nodes[1].witness", true);

        assertThat(witnesses.problems()).singleElement(STRING)
                .isEqualTo("test.yaml: nodes: every node is a witness (witness: true); at least one needs PostgreSQL:"
                        + " set witness: false on it and give it a postgres section");
    }

    @Test
    void oneServerAndTwoWitnessesIsAllowed() {
        ClusterConfig config = valid.remove("nodes[1].postgres").set("nodes[1].witness", true).load();

        assertThat(config.postgresNodes()).extracting(NodeConfig::id).containsExactly(0);
    }

    @Test
    void theBootstrapPrimaryMustBeANodeWithPostgres() {
        assertThat(valid.set("cluster.bootstrap_primary", 2).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: cluster.bootstrap_primary: 2 is not the id of a node with PostgreSQL;"
                        + " allowed: [0, 1]");
        assertThat(valid.set("cluster.bootstrap_primary", 1).load().bootstrapPrimary()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"10.0.0.11:7400", "db 1", "-db1", "http://db1"})
    void aHostIsANameOrAddressWithoutAPort(String host) {
        assertThat(valid.set("nodes[0].host", host).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: nodes[0].host: '" + host + "' is not a host name or IPv4 address; allowed:"
                        + " e.g. 10.0.0.11 or db1.example.com, without a port (ports have their own keys)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"localhost", "10.0.0.11", "db-1.example.com"})
    void hostNamesAndAddressesAreAccepted(String host) {
        assertThat(valid.set("nodes[0].host", host).load().requireNode(0).raftAddress()).isEqualTo(host + ":7400");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"id", "name", "host", "raft_port", "admin_port"})
    void everyNodeNamesItsIdentityAndAgentPorts(String key) {
        assertThat(valid.remove("nodes[1]." + key).problems()).singleElement(STRING)
                .startsWith("test.yaml: nodes[1]." + key + ": is required");
    }

    @Test
    void relativeDirectoriesAreRefused() {
        assertThat(valid.set("nodes[0].agent_dir", "raftpool").set("nodes[1].postgres.data_dir", "data").problems())
                .containsExactly("test.yaml: nodes[0].agent_dir: 'raftpool' is not an absolute path",
                        "test.yaml: nodes[1].postgres.data_dir: 'data' is not an absolute path");
    }
}
