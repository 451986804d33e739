package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/config.md is the operator's reference: it must list exactly the keys the loader accepts,
 * the defaults the loader applies, and the example that ships. The loader's own unknown-key
 * message tells which keys it accepts where.
 */
class ConfigReferenceTest {
    private static final Path REFERENCE = Path.of("../docs/config.md");
    private static final Path EXAMPLE = Path.of("../examples/scenario-2plus1.yaml");
    private static final Pattern HEADING = Pattern.compile("#{2,3} `([^`]+)`");
    private static final Pattern ROW = Pattern.compile("\\| `([a-z_]+)` \\| [^|]* \\| ([^|]*) \\|.*");
    private static final String PROBE = "zz_not_a_key";

    /** Documented section path ("nodes[].proxy") to key to default cell, in document order. */
    private static final Map<String, Map<String, String>> DOCUMENTED = readReference();

    static Stream<String> documentedSections() {
        return DOCUMENTED.keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedSections")
    void aSectionDocumentsExactlyTheKeysTheLoaderAccepts(String section) {
        assertThat(DOCUMENTED.get(section).keySet())
                .containsExactlyInAnyOrderElementsOf(keysAcceptedAt(section.replace("[]", "[0]")));
    }

    @Test
    void everyTopLevelKeyHasASection() {
        assertThat(DOCUMENTED.keySet().stream().filter(s -> !s.contains(".")).map(s -> s.replace("[]", "")))
                .containsExactlyInAnyOrderElementsOf(keysAcceptedAt(""));
    }

    static Stream<String> settingsSections() {
        return DefaultsTest.settingsSections().map(a -> (String) a.get()[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settingsSections")
    void theDocumentedDefaultsAreTheLoadersDefaults(String section) throws Exception {
        RecordComponent component = Arrays.stream(ClusterConfig.class.getRecordComponents())
                .filter(c -> c.getName().equals(camel(section))).findFirst().orElseThrow();
        Object defaults = component.getAccessor().invoke(ConfigYaml.valid().load());

        Map<String, String> documented = new LinkedHashMap<>();
        Map<String, String> actual = new LinkedHashMap<>();
        for (RecordComponent field : defaults.getClass().getRecordComponents()) {
            Object value = field.getAccessor().invoke(defaults);
            String key = value instanceof SecretRef ? snake(field.getName()) + "_file" : snake(field.getName());
            documented.put(key, DOCUMENTED.get(section).get(key));
            actual.put(key, render(value));
        }
        assertThat(documented).isEqualTo(actual);
    }

    @Test
    void theReferenceShowsTheExampleThatShips() throws IOException {
        String reference = Files.readString(REFERENCE);
        String example = Files.readString(EXAMPLE);

        assertThat(reference).contains("```yaml\n" + example + "```\n");
    }

    private static List<String> keysAcceptedAt(String path) {
        // every optional section present, so that its keys can be probed (security.tokens[0].*)
        ConfigYaml config = ConfigYaml.valid().set("vip", Map.of("address", "10.0.0.1", "interface", "lo"))
                .set("security.tokens", List.of(Map.of("name", "ops", "role", "admin", "hash", SecurityConfigTest.HASH)));
        String probe = path.isEmpty() ? PROBE : path + "." + PROBE;
        String prefix = "test.yaml: " + probe + ": unknown key; allowed here: ";
        String problem = config.set(probe, 1).problems().stream().filter(p -> p.startsWith(prefix))
                .findFirst().orElseThrow(() -> new AssertionError("no unknown-key problem for " + probe));
        return List.of(problem.substring(prefix.length()).split(", "));
    }

    /** How the reference writes a default: {@code `500ms`}, {@code `true`}, {@code `async`}, none. */
    private static String render(Object value) {
        if (value instanceof Duration d) {
            return "`" + YamlSection.format(d) + "`";
        }
        if (value instanceof Enum<?> e) {
            return "`" + e.name().toLowerCase() + "`";
        }
        if (value instanceof SecretRef s) {
            return s.isPresent() ? s.toString() : "none";
        }
        if (value instanceof List<?> l && l.isEmpty()) {
            return "none";
        }
        if (value instanceof java.util.Optional<?> o) {
            return o.isPresent() ? render(o.get()) : "none";
        }
        return "`" + value + "`";
    }

    private static Map<String, Map<String, String>> readReference() {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        String section = null;
        try {
            for (String line : Files.readAllLines(REFERENCE)) {
                Matcher heading = HEADING.matcher(line);
                Matcher row = ROW.matcher(line);
                if (heading.matches()) {
                    section = heading.group(1);
                    sections.put(section, new LinkedHashMap<>());
                } else if (section != null && row.matches()) {
                    sections.get(section).put(row.group(1), row.group(2).strip());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + REFERENCE.toAbsolutePath(), e);
        }
        return sections;
    }

    private static String camel(String snake) {
        return Pattern.compile("_([a-z])").matcher(snake).replaceAll(m -> m.group(1).toUpperCase());
    }

    private static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase();
    }
}
