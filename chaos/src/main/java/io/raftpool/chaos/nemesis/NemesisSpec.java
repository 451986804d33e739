package io.raftpool.chaos.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which faults a run injects: a comma-separated list of fault names, {@code mix} (every real
 * fault, chosen at random, at random intervals) or {@code none} (a run without faults).
 */
public record NemesisSpec(List<FaultKind> kinds, boolean mix) {
    public NemesisSpec {
        kinds = List.copyOf(kinds);
    }

    public static final String MIX = "mix";
    public static final String NONE = "none";

    public static NemesisSpec parse(String text) {
        String t = text.trim();
        if (t.equals(MIX)) {
            return new NemesisSpec(FaultKind.mixable(), true);
        }
        if (t.equals(NONE)) {
            return new NemesisSpec(List.of(), false);
        }
        LinkedHashSet<FaultKind> kinds = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String part : t.split(",")) {
            String name = part.trim();
            Optional<FaultKind> k = FaultKind.byName(name);
            if (k.isPresent()) {
                kinds.add(k.get());
            } else {
                unknown.add("'" + name + "'");
            }
        }
        if (!unknown.isEmpty() || kinds.isEmpty()) {
            throw new IllegalArgumentException("--nemesis: " + (unknown.isEmpty() ? "'" + text + "'" : String.join(", ", unknown))
                    + " is not a fault; allowed: " + allowed());
        }
        return new NemesisSpec(new ArrayList<>(kinds), false);
    }

    public static String allowed() {
        return FaultKind.mixableNames() + ", " + FaultKind.UNSAFE_ROGUE_PRIMARY.cliName() + ", " + MIX + ", " + NONE
                + " (several: comma-separated)";
    }

    public boolean needsNetwork() {
        return kinds.stream().anyMatch(FaultKind::isPartition);
    }

    public String text() {
        if (mix) {
            return MIX;
        }
        return kinds.isEmpty() ? NONE : kinds.stream().map(FaultKind::cliName).collect(Collectors.joining(","));
    }
}
