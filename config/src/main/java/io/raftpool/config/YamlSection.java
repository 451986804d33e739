package io.raftpool.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mapping of the YAML tree at a known path ("nodes[1].postgres"), read key by key. Every
 * problem is added to a shared list with its full path, so one load reports all of them, and
 * {@link #finish()} reports the keys nobody asked for: a typo is an error, not a silent default.
 */
final class YamlSection {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final String path;
    private final JsonNode node;
    private final List<String> problems;
    private final Set<String> known = new LinkedHashSet<>();
    /** Keys recognised only to be refused (an inline secret): not reported as unknown, never offered as allowed. */
    private final Set<String> refused = new LinkedHashSet<>();

    YamlSection(String path, JsonNode node, List<String> problems) {
        this.path = path;
        this.node = node;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    void problem(String key, String text) {
        problems.add(keyPath(key) + ": " + text);
    }

    private Optional<JsonNode> raw(String key) {
        known.add(key);
        JsonNode value = node == null ? null : node.get(key);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    boolean has(String key) {
        return node != null && node.has(key) && !node.get(key).isNull();
    }

    Optional<YamlSection> section(String key) {
        Optional<JsonNode> value = raw(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.get().isObject()) {
            problem(key, "expected a mapping of keys, got " + describe(value.get()));
            return Optional.empty();
        }
        return Optional.of(new YamlSection(keyPath(key), value.get(), problems));
    }

    /** The section, or an empty one at that path (so its defaults apply). */
    YamlSection sectionOrEmpty(String key) {
        return section(key).orElseGet(() -> new YamlSection(keyPath(key), null, problems));
    }

    List<YamlSection> sectionList(String key) {
        Optional<JsonNode> value = raw(key);
        List<YamlSection> result = new ArrayList<>();
        if (value.isEmpty()) {
            return result;
        }
        if (!value.get().isArray()) {
            problem(key, "expected a list, got " + describe(value.get()));
            return result;
        }
        int i = 0;
        for (JsonNode item : value.get()) {
            String itemPath = keyPath(key) + "[" + i++ + "]";
            if (!item.isObject()) {
                problems.add(itemPath + ": expected a mapping of keys, got " + describe(item));
                continue;
            }
            result.add(new YamlSection(itemPath, item, problems));
        }
        return result;
    }

    Optional<String> string(String key) {
        Optional<JsonNode> value = raw(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.get().isValueNode()) {
            problem(key, "expected a text value, got " + describe(value.get()));
            return Optional.empty();
        }
        String text = value.get().asText().trim();
        if (text.isEmpty()) {
            problem(key, "is empty; give a value or leave the key out");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    Optional<String> requiredString(String key) {
        Optional<String> value = string(key);
        if (value.isEmpty() && !has(key)) {
            problem(key, "is required");
        }
        return value;
    }

    Optional<Integer> integer(String key, long min, long max) {
        Optional<JsonNode> value = raw(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        JsonNode v = value.get();
        if (!v.isIntegralNumber()) {
            problem(key, describe(v) + " is not a whole number; allowed: " + min + " to " + max);
            return Optional.empty();
        }
        if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            problem(key, v.asText() + " is out of range; allowed: " + min + " to " + max);
            return Optional.empty();
        }
        return Optional.of((int) v.asLong());
    }

    int integer(String key, long min, long max, int fallback) {
        return integer(key, min, max).orElse(fallback);
    }

    Optional<Integer> requiredInteger(String key, long min, long max) {
        if (!has(key)) {
            known.add(key);
            problem(key, "is required (a whole number from " + min + " to " + max + ")");
            return Optional.empty();
        }
        return integer(key, min, max);
    }

    boolean bool(String key, boolean fallback) {
        Optional<JsonNode> value = raw(key);
        if (value.isEmpty()) {
            return fallback;
        }
        if (!value.get().isBoolean()) {
            problem(key, describe(value.get()) + " is not a boolean; allowed: true or false");
            return fallback;
        }
        return value.get().asBoolean();
    }

    /** "500ms", "2s", "1m", "1h": a whole number with a unit, between min and max. */
    Duration duration(String key, Duration fallback, Duration min, Duration max) {
        Optional<JsonNode> value = raw(key);
        if (value.isEmpty()) {
            return fallback;
        }
        String text = value.get().asText().trim();
        Matcher m = DURATION.matcher(text);
        if (!value.get().isValueNode() || !m.matches()) {
            problem(key, describe(value.get()) + " is not a duration; write a whole number with a unit"
                    + " (ms, s, m, h), e.g. 500ms or 2s");
            return fallback;
        }
        Optional<Duration> d = toDuration(m.group(1), m.group(2));
        if (d.isEmpty() || d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
            problem(key, text + " is out of range; allowed: " + format(min) + " to " + format(max));
            return fallback;
        }
        return d.get();
    }

    /** Empty when the amount is too large for a Duration: out of range, whatever the bounds. */
    private static Optional<Duration> toDuration(String amount, String unit) {
        try {
            long n = Long.parseLong(amount);
            return Optional.of(switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.get())) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase());
        }
        problem(key, "'" + value.get() + "' is not allowed; allowed: " + String.join(", ", allowed));
        return fallback;
    }

    List<String> stringList(String key) {
        Optional<JsonNode> value = raw(key);
        List<String> result = new ArrayList<>();
        if (value.isEmpty()) {
            return result;
        }
        if (!value.get().isArray()) {
            problem(key, "expected a list of text values, got " + describe(value.get()));
            return result;
        }
        for (JsonNode item : value.get()) {
            if (!item.isValueNode()) {
                problem(key, "expected a list of text values, found " + describe(item));
                continue;
            }
            result.add(item.asText());
        }
        return result;
    }

    Map<String, String> stringMap(String key) {
        Optional<JsonNode> value = raw(key);
        Map<String, String> result = new LinkedHashMap<>();
        if (value.isEmpty()) {
            return result;
        }
        if (!value.get().isObject()) {
            problem(key, "expected a mapping of names to values, got " + describe(value.get()));
            return result;
        }
        for (Map.Entry<String, JsonNode> e : value.get().properties()) {
            if (!e.getValue().isValueNode()) {
                problem(key + "." + e.getKey(), "expected a single value, got " + describe(e.getValue()));
                continue;
            }
            result.put(e.getKey(), e.getValue().asText());
        }
        return result;
    }

    /** password_file / password_env pair: at most one of the two. */
    SecretRef secret(String prefix) {
        Optional<String> file = string(prefix + "_file");
        Optional<String> env = string(prefix + "_env");
        refused.add(prefix);
        if (has(prefix)) {
            problem(prefix, "secrets are never written in the config; use " + prefix + "_file (a file only"
                    + " its owner can read) or " + prefix + "_env (an environment variable)");
        }
        if (file.isPresent() && env.isPresent()) {
            problem(prefix + "_file", "give " + prefix + "_file or " + prefix + "_env, not both");
            return SecretRef.NONE;
        }
        if (file.isPresent()) {
            return SecretRef.file(java.nio.file.Path.of(file.get()));
        }
        return env.map(SecretRef::env).orElse(SecretRef.NONE);
    }

    /** Reports keys present in the YAML that no reader asked for. */
    void finish() {
        if (node == null) {
            return;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name) && !refused.contains(name)) {
                problems.add(keyPath(name) + ": unknown key; allowed here: " + String.join(", ", known));
            }
        }
    }

    private static String describe(JsonNode v) {
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        return "'" + v.asText() + "'";
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
