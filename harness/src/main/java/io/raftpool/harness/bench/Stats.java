package io.raftpool.harness.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median, max and friends of a list of durations in milliseconds, for benchmark reports. */
public record Stats(int runs, double medianMs, double p90Ms, double maxMs, double minMs) {
    public static Stats of(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        List<Double> s = new ArrayList<>(samples);
        Collections.sort(s);
        return new Stats(s.size(), percentile(s, 50), percentile(s, 90), s.get(s.size() - 1), s.get(0));
    }

    static double percentile(List<Double> sorted, int p) {
        double rank = p / 100.0 * (sorted.size() - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (rank - lo);
    }

    @Override
    public String toString() {
        return String.format("runs %d: median %.1f ms, p90 %.1f ms, max %.1f ms, min %.1f ms", runs, medianMs, p90Ms,
                maxMs, minMs);
    }
}
