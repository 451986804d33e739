package io.raftpool.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.proto.ActionReply;
import io.raftpool.testkit.FailoverScenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/cli-json.md lists every key each command prints, and nothing else: the keys in the first
 * column of each section's table against the keys of the JSON for sample states that fill
 * every optional part.
 */
class JsonDocumentationTest {
    private static final Path DOC = Path.of("..", "docs", "cli-json.md");
    private static final Pattern KEY = Pattern.compile("`([a-z_\\[\\].]+)`");

    @Test
    void theBackendObject() throws IOException {
        assertThat(keys(Backends.json(FailoverScenario.afterFailover(), FailoverScenario.afterFailover().getBackends(0)).toString()))
                .isEqualTo(documented("## The backend object"));
    }

    @Test
    void poolNodes() throws IOException {
        Set<String> printed = withoutBackends(keys(PoolNodesView.json(FailoverScenario.view(FailoverScenario.duringRecovery()))),
                "nodes[].");
        assertThat(printed).isEqualTo(documented("## `pool-nodes --json`"));
    }

    /** primary, operation, maintenance and the events are documented where they come from; status names them and adds the rest. */
    @Test
    void status() throws IOException {
        Set<String> printed = keys(Json.write(StatusView.json(FailoverScenario.view(FailoverScenario.duringRecovery()), 5, 1000)));
        Set<String> own = new TreeSet<>(printed);
        own.removeIf(k -> k.startsWith("nodes[].") || k.startsWith("events[].") || k.startsWith("primary.")
                || k.startsWith("operation.") || k.startsWith("maintenance."));

        assertThat(own).isEqualTo(documented("## `status --json"));
        assertThat(under(printed, "events[].")).isEqualTo(under(documented("## `events --json"), "events[]."));
        Set<String> poolNodes = documented("## `pool-nodes --json`");
        assertThat(under(printed, "primary.")).isNotEmpty().isEqualTo(under(poolNodes, "primary."));
        assertThat(under(printed, "operation.")).isNotEmpty().isEqualTo(under(poolNodes, "operation."));
    }

    @Test
    void watchdogInfo() throws IOException {
        assertThat(keys(WatchdogInfoView.json(FailoverScenario.watchdogInfo()))).isEqualTo(documented("## `watchdog-info --json`"));
    }

    @Test
    void nodeInfo() throws IOException {
        Set<String> printed = withoutBackends(keys(NodeInfoView.json(FailoverScenario.afterFailover(), 0)), "backend.");
        assertThat(printed).isEqualTo(documented("## `node-info N --json`"));
    }

    @Test
    void events() throws IOException {
        assertThat(keys(EventsView.json(FailoverScenario.afterFailover(), 10))).isEqualTo(documented("## `events --json"));
    }

    @Test
    void nodeCommands() throws IOException {
        ActionReply reply = ActionReply.newBuilder().setAccepted(true).setMessage("ok").setEpoch(3).build();
        assertThat(keys(ActionReplyView.json("promote-node", 1, reply))).isEqualTo(documented("## `promote-node N`"));
    }

    @Test
    void showParameters() throws IOException {
        io.raftpool.proto.ClusterState s = FailoverScenario.afterFailover().toBuilder()
                .addParameters(io.raftpool.proto.Parameter.newBuilder().setName("work_mem").setValue("64MB").setNodeId(-1)
                        .setContext("user"))
                .setParametersVersion(1).build();
        String json = ParametersView.json(s, Map.of(0, Map.of("work_mem", "4MB")));
        assertThat(keys(json)).isEqualTo(documented("## `show-parameters --json`"));
        assertThat(json).contains("\"source\": \"config_overridden\"").contains("\"source\": \"cluster\"");
    }

    @Test
    void backups() throws IOException {
        io.raftpool.proto.ClusterState base = FailoverScenario.afterFailover();
        io.raftpool.proto.ClusterState s = base.toBuilder()
                .addBackups(io.raftpool.proto.BackupInfo.newBuilder().setLabel("20261207T061500Z-pgsql2").setNodeId(1)
                        .setStartedMs(1_000).setFinishedMs(5_000).setSizeBytes(1 << 20).setTimeline(2)
                        .setStartLsn("0/5000028"))
                .setBackends(0, base.getBackends(0).toBuilder().setBackupRequestedMs(9_000).setBackupProgress("45%"))
                .build();
        assertThat(keys(BackupsView.json(s))).isEqualTo(documented("## `backups --json`"));
    }

    /** Backend objects are documented once, in their own section. */
    private static Set<String> withoutBackends(Set<String> keys, String prefix) {
        Set<String> rest = new TreeSet<>(keys);
        rest.removeIf(k -> k.startsWith(prefix));
        return rest;
    }

    /** The keys below {@code prefix}, without it. */
    private static Set<String> under(Set<String> keys, String prefix) {
        Set<String> below = new TreeSet<>();
        keys.stream().filter(k -> k.startsWith(prefix)).forEach(k -> below.add(k.substring(prefix.length())));
        return below;
    }

    /** Key paths of a JSON text: {@code a}, {@code a.b}, {@code list[].c}. */
    static Set<String> keys(String json) throws IOException {
        Set<String> keys = new TreeSet<>();
        collect(new ObjectMapper().readTree(json), "", keys);
        return keys;
    }

    private static void collect(JsonNode node, String prefix, Set<String> keys) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String key = prefix + field.getKey();
                keys.add(key);
                collect(field.getValue(), key + ".", keys);
            }
        } else if (node.isArray()) {
            String element = prefix.substring(0, prefix.length() - 1) + "[].";
            node.forEach(e -> collect(e, element, keys));
        }
    }

    /** The keys in the first column of the table of the section whose heading starts so. */
    private static Set<String> documented(String heading) throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("\n" + heading);
        assertThat(start).as("section " + heading + " in " + DOC).isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        Set<String> keys = new TreeSet<>();
        for (String line : section.lines().toList()) {
            if (line.startsWith("| `")) {
                Matcher m = KEY.matcher(line.split("\\|")[1]);
                while (m.find()) {
                    keys.add(m.group(1));
                }
            }
        }
        return keys;
    }
}
