package io.raftpool.chaos.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one checker concluded, and why: {@code reasons} explain an invalid or unknown verdict
 * (each names the operations that prove it), {@code warnings} note what is allowed but worth
 * knowing (e.g. writes lost at a failover in asynchronous mode), {@code details} hold the
 * figures (for summary.json). A composed verdict lists its parts in {@code parts}.
 */
public record Verdict(String checker, Validity validity, List<String> reasons, List<String> warnings,
                      Map<String, Object> details, List<Verdict> parts) {

    public Verdict {
        reasons = List.copyOf(reasons);
        warnings = List.copyOf(warnings);
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        parts = List.copyOf(parts);
    }

    public boolean valid() {
        return validity == Validity.VALID;
    }

    /** The verdicts of several checkers as one: invalid if any is, unknown if any is and none is invalid. */
    public static Verdict compose(String name, List<Verdict> verdicts) {
        Validity v = Validity.VALID;
        List<String> reasons = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Verdict p : verdicts) {
            v = v.and(p.validity());
            p.reasons().forEach(r -> reasons.add(p.checker() + ": " + r));
            p.warnings().forEach(w -> warnings.add(p.checker() + ": " + w));
        }
        return new Verdict(name, v, reasons, warnings, Map.of(), verdicts);
    }

    /** A builder, so a checker can collect reasons while it goes. */
    public static Builder builder(String checker) {
        return new Builder(checker);
    }

    public static final class Builder {
        private final String checker;
        private final List<String> reasons = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final Map<String, Object> details = new LinkedHashMap<>();
        private boolean invalid;
        private boolean unknown;

        private Builder(String checker) {
            this.checker = checker;
        }

        public Builder invalid(String reason) {
            invalid = true;
            reasons.add(reason);
            return this;
        }

        public Builder unknown(String reason) {
            unknown = true;
            reasons.add(reason);
            return this;
        }

        public Builder warn(String warning) {
            warnings.add(warning);
            return this;
        }

        public Builder detail(String key, Object value) {
            details.put(key, value);
            return this;
        }

        public Verdict build() {
            Validity v = invalid ? Validity.INVALID : unknown ? Validity.UNKNOWN : Validity.VALID;
            return new Verdict(checker, v, reasons, warnings, details, List.of());
        }
    }
}
