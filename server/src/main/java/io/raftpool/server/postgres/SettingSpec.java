package io.raftpool.server.postgres;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of a server's pg_settings: what PostgreSQL itself says a setting accepts. {@link #check}
 * follows PostgreSQL's own parsing (units, ranges, enum values) so that a bad value is refused
 * before it is committed, rather than when every server reloads it. Pure.
 *
 * @param unit     pg_settings.unit: "kB", "8kB", "ms", "s", "min" ...; empty when none
 * @param minValue pg_settings.min_val in {@code unit}, empty for bool, enum and string
 */
public record SettingSpec(String name, String context, String vartype, String unit, String minValue,
                          String maxValue, List<String> enumValues) {
    private static final Map<String, Long> MEMORY = Map.of("B", 1L, "kB", 1024L, "MB", 1024L * 1024,
            "GB", 1024L * 1024 * 1024, "TB", 1024L * 1024 * 1024 * 1024);
    private static final Map<String, Double> TIME = Map.of("us", 0.001, "ms", 1.0, "s", 1000.0, "min", 60_000.0,
            "h", 3_600_000.0, "d", 86_400_000.0);
    private static final List<String> BOOLS = List.of("on", "off", "true", "false", "yes", "no", "1", "0", "t", "f",
            "y", "n");
    private static final Pattern NUMBER = Pattern.compile("\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*([A-Za-z]*)\\s*");
    private static final Pattern BASE_UNIT = Pattern.compile("(\\d*)([A-Za-z]+)");

    public SettingSpec {
        enumValues = List.copyOf(enumValues);
    }

    /** Why {@code value} is not acceptable for this setting, naming what is; empty when it is. */
    public Optional<String> check(String value) {
        return switch (vartype) {
            case "bool" -> BOOLS.contains(value.trim().toLowerCase(Locale.ROOT)) ? Optional.empty()
                    : refuse(value, "on or off (also true/false, yes/no, 1/0)");
            case "enum" -> enumValues.stream().anyMatch(e -> e.equalsIgnoreCase(value.trim())) ? Optional.empty()
                    : refuse(value, "one of " + String.join(", ", enumValues));
            case "integer", "real" -> checkNumber(value);
            default -> Optional.empty(); // string: PostgreSQL takes any text; what it means is checked at reload
        };
    }

    /** Whether a change takes effect only when the server starts again. */
    public boolean needsRestart() {
        return context.equals("postmaster");
    }

    /** Why this setting cannot be set in a configuration file at all, if it cannot. */
    public Optional<String> notSettable() {
        return context.equals("internal") ? Optional.of(name + " is fixed when PostgreSQL is built or initdb runs"
                + " (context internal): it cannot be set") : Optional.empty();
    }

    private Optional<String> checkNumber(String value) {
        Matcher m = NUMBER.matcher(value);
        String allowed = allowedNumbers();
        if (!m.matches()) {
            return refuse(value, allowed);
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String given = m.group(2);
        if (vartype.equals("integer") && given.isEmpty() && number.stripTrailingZeros().scale() > 0) {
            // PostgreSQL rounds a fraction only when a unit converts it
            return refuse(value, allowed);
        }
        Optional<Double> inBase = given.isEmpty() ? Optional.of(number.doubleValue()) : convert(number.doubleValue(), given);
        if (inBase.isEmpty()) {
            return refuse(value, allowed);
        }
        double v = vartype.equals("integer") ? Math.rint(inBase.get()) : inBase.get();
        if (!minValue.isEmpty() && v < Double.parseDouble(minValue) || !maxValue.isEmpty() && v > Double.parseDouble(maxValue)) {
            return refuse(value, allowed);
        }
        return Optional.empty();
    }

    /** {@code number} of {@code given} units in this setting's unit; empty when the unit does not fit. */
    private Optional<Double> convert(double number, String given) {
        Matcher base = BASE_UNIT.matcher(unit);
        if (!base.matches()) {
            return Optional.empty();
        }
        double factor = base.group(1).isEmpty() ? 1 : Double.parseDouble(base.group(1));
        String baseUnit = base.group(2);
        if (MEMORY.containsKey(baseUnit) && MEMORY.containsKey(given)) {
            return Optional.of(number * MEMORY.get(given) / (MEMORY.get(baseUnit) * factor));
        }
        if (TIME.containsKey(baseUnit) && TIME.containsKey(given)) {
            return Optional.of(number * TIME.get(given) / (TIME.get(baseUnit) * factor));
        }
        return Optional.empty();
    }

    private String allowedNumbers() {
        String kind = vartype.equals("integer") ? "an integer" : "a number";
        String units = unit.isEmpty() ? "" : isMemory() ? " (units B, kB, MB, GB, TB; plain numbers are in " + unit + ")"
                : " (units us, ms, s, min, h, d; plain numbers are in " + unit + ")";
        String range = minValue.isEmpty() ? "" : " from " + minValue + " to " + maxValue + (unit.isEmpty() ? "" : " " + unit);
        return kind + range + units;
    }

    private boolean isMemory() {
        Matcher base = BASE_UNIT.matcher(unit);
        return base.matches() && MEMORY.containsKey(base.group(2));
    }

    private Optional<String> refuse(String value, String allowed) {
        return Optional.of(name + ": '" + value + "' is not a valid value; allowed: " + allowed);
    }
}
