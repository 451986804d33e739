package io.raftpool.chaos.checker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Order statistics of a list of numbers (nearest-rank percentiles). */
public record Stats(int n, double min, double median, double p90, double p99, double max) {

    public static Stats of(List<? extends Number> values) {
        if (values.isEmpty()) {
            return new Stats(0, 0, 0, 0, 0, 0);
        }
        double[] v = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        return new Stats(v.length, v[0], rank(v, 0.5), rank(v, 0.9), rank(v, 0.99), v[v.length - 1]);
    }

    static double rank(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("min", round(min));
        m.put("median", round(median));
        m.put("p90", round(p90));
        m.put("p99", round(p99));
        m.put("max", round(max));
        return m;
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }

    @Override
    public String toString() {
        return n == 0 ? "n=0" : String.format("n=%d min %.0f median %.0f p90 %.0f max %.0f", n, min, median, p90, max);
    }
}
