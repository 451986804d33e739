package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test-only: a cluster config as a YAML tree that tests change one key at a time
 * ({@code valid().set("nodes[1].postgres.port", 7400)}), then load or collect the problems.
 * Every change returns a new value, so a shared starting point cannot leak between tests.
 */
final class ConfigYaml {
    static final Path SOURCE = Path.of("test.yaml");

    private static final YAMLMapper YAML = new YAMLMapper();

    /** Three agents on one host: two with PostgreSQL and a proxy, one witness. Every port differs. */
    private static final String VALID = """
            cluster:
              name: test
            nodes:
              - id: 0
                name: pg0
                host: 127.0.0.1
                raft_port: 7400
                admin_port: 7410
                metrics_port: 7420
                admin_sql_port: 7430
                agent_dir: /tmp/raftpool/pg0
                proxy: { rw_port: 9990, ro_port: 9980, metrics_port: 9970 }
                postgres: { port: 5430, data_dir: /tmp/raftpool/pg0/data }
              - id: 1
                name: pg1
                host: 127.0.0.1
                raft_port: 7401
                admin_port: 7411
                metrics_port: 7421
                admin_sql_port: 7431
                agent_dir: /tmp/raftpool/pg1
                proxy: { rw_port: 9991, ro_port: 9981, metrics_port: 9971 }
                postgres: { port: 5431, data_dir: /tmp/raftpool/pg1/data }
              - id: 2
                name: witness
                host: 127.0.0.1
                raft_port: 7402
                admin_port: 7412
                agent_dir: /tmp/raftpool/witness
                witness: true
            """;

    private final ObjectNode root;

    private ConfigYaml(ObjectNode root) {
        this.root = root;
    }

    static ConfigYaml valid() {
        return of(VALID);
    }

    static ConfigYaml of(String yaml) {
        try {
            return new ConfigYaml((ObjectNode) YAML.readTree(yaml));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("test YAML does not parse: " + e.getMessage(), e);
        }
    }

    /** Sets the value at a path such as {@code failover.fence_timeout} or {@code nodes[1].proxy.rw_port}. */
    ConfigYaml set(String path, Object value) {
        ObjectNode copy = root.deepCopy();
        Step last = walk(copy, path);
        JsonNode node = YAML.valueToTree(value);
        if (last.container instanceof ArrayNode array) {
            array.set(last.index, node);
        } else {
            ((ObjectNode) last.container).set(last.key, node);
        }
        return new ConfigYaml(copy);
    }

    ConfigYaml remove(String path) {
        ObjectNode copy = root.deepCopy();
        Step last = walk(copy, path);
        if (last.container instanceof ArrayNode array) {
            array.remove(last.index);
        } else {
            ((ObjectNode) last.container).remove(last.key);
        }
        return new ConfigYaml(copy);
    }

    /** The value at a path, as loaded from the YAML (for copying one key's value to another). */
    JsonNode get(String path) {
        Step last = walk(root, path);
        return last.container instanceof ArrayNode array ? array.get(last.index) : last.container.get(last.key);
    }

    String text() {
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    ClusterConfig load() {
        return ConfigLoader.parse(text(), SOURCE);
    }

    /** The problems the loader reports; fails the test if the config loads. */
    List<String> problems() {
        return problemsOf(text());
    }

    static List<String> problemsOf(String yaml) {
        AtomicReference<List<String>> problems = new AtomicReference<>();
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, SOURCE))
                .as("config should be refused:\n%s", yaml)
                .isInstanceOfSatisfying(ConfigException.class, e -> problems.set(e.problems()));
        return problems.get();
    }

    private record Step(JsonNode container, String key, int index) {}

    /** Walks to the parent of the last path element, creating mappings on the way. */
    private static Step walk(ObjectNode root, String path) {
        String[] parts = path.split("\\.");
        JsonNode current = root;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            String key = part;
            int index = -1;
            int bracket = part.indexOf('[');
            if (bracket >= 0) {
                key = part.substring(0, bracket);
                index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
            }
            boolean lastPart = i == parts.length - 1;
            if (lastPart && index < 0) {
                return new Step(current, key, -1);
            }
            ObjectNode object = (ObjectNode) current;
            JsonNode child = object.get(key);
            if (index >= 0) {
                if (lastPart) {
                    return new Step(child, key, index);
                }
                current = child.get(index);
            } else {
                current = child != null && child.isObject() ? child : object.putObject(key);
            }
        }
        throw new IllegalArgumentException("empty path");
    }
}
