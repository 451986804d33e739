package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A file that cannot be read, or read as YAML, is reported with where to look. */
class LoadErrorsTest {
    @TempDir
    Path dir;

    static Stream<Arguments> malformedYaml() {
        return Stream.of(
                Arguments.of(Named.of("a key indented too little", "cluster:\n  name: x\n nodes: []\n"),
                        "line 3, column 2: expected <block end>, but found '<block mapping start>'"
                                + " (while parsing a block mapping from line 1)"),
                Arguments.of(Named.of("a list item's keys misaligned", "nodes:\n  - id: 1\n   name: y\n"),
                        "line 3, column 4: expected <block end>, but found '<block mapping start>'"
                                + " (while parsing a block collection from line 2)"),
                Arguments.of(Named.of("an unclosed flow list", "cluster: {name: x}\nnodes: [1, 2\nraft: {}\n"),
                        "line 3, column 5: expected ',' or ']', but got : (while parsing a flow sequence from line 2)"),
                Arguments.of(Named.of("a tab for indentation", "cluster:\n\tname: x\n"),
                        "line 2, column 1: found character '\\t(TAB)' that cannot start any token."
                                + " (Do not use \\t(TAB) for indentation)"),
                Arguments.of(Named.of("an unterminated quote", "a: 'unterminated\nb: 2\n"),
                        "line 3, column 1: found unexpected end of stream (while scanning a quoted scalar from line 1)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedYaml")
    void malformedYamlIsReportedInOneLineWithWhereItBroke(String yaml, String where) {
        assertThat(ConfigYaml.problemsOf(yaml)).singleElement(STRING)
                .isEqualTo("test.yaml: not valid YAML at " + where);
    }

    @Test
    void aKeyGivenTwiceIsRefusedRatherThanTheLastOneWinning() {
        String yaml = ConfigYaml.valid().text() + "cluster:\n  name: again\n";
        int line = yaml.lines().toList().lastIndexOf("cluster:") + 1;

        assertThat(ConfigYaml.problemsOf(yaml)).singleElement(STRING)
                .startsWith("test.yaml: not valid YAML at line " + line + ", ")
                .endsWith(": key 'cluster' is given twice in one mapping; give each key once");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "# only a comment\n", "just text", "- a\n- list\n"})
    void aFileThatIsNotAMappingIsRefused(String yaml) {
        assertThat(ConfigYaml.problemsOf(yaml)).singleElement(STRING)
                .isEqualTo("test.yaml: expected a YAML mapping with the keys cluster, nodes, ...");
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("raftpool.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file " + file + " does not exist; give the path of the cluster YAML file"
                        + " (see examples/scenario-2plus1.yaml)");
    }

    @Test
    void aDirectoryIsNotAConfigFile() {
        assertThatThrownBy(() -> ConfigLoader.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read config file " + dir + ": ");
    }

    @Test
    void problemsFromAFileNameTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("raftpool.yaml"),
                ConfigYaml.valid().set("health_check.retries", -1).text());

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": health_check.retries: -1 is out of range; allowed: 0 to 100");
    }

    @Test
    void aFileThatLoadsRemembersWhereItCameFrom() throws IOException {
        Path file = Files.writeString(dir.resolve("raftpool.yaml"), ConfigYaml.valid().text());

        assertThat(ConfigLoader.load(file).source()).isEqualTo(file);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigYaml config = ConfigYaml.valid()
                .set("replication.mode", "semi")
                .set("health_check.period", "5")
                .set("nodes[1].raft_port", 7400)
                .set("nodes[2].color", "blue");

        ConfigException e = catchConfigException(config);

        List<String> expected = List.of(
                "test.yaml: health_check.period: '5' is not a duration; write a whole number with a unit (ms, s, m,"
                        + " h), e.g. 500ms or 2s",
                "test.yaml: replication.mode: 'semi' is not allowed; allowed: async, sync, quorum",
                "test.yaml: nodes[2].color: unknown key; allowed here: id, name, host, raft_port, admin_port,"
                        + " metrics_port, admin_sql_port, health_port, agent_dir, witness, proxy, postgres",
                "test.yaml: nodes[1].raft_port: port 7400 on 127.0.0.1 is used by nodes[0].raft_port too; every port"
                        + " on a host must be different");
        assertThat(e.problems()).containsExactlyElementsOf(expected);
        assertThat(e).hasMessage("4 problems:\n  - " + String.join("\n  - ", expected));
    }

    private static ConfigException catchConfigException(ConfigYaml config) {
        try {
            config.load();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("config should be refused:\n" + config.text());
    }
}
