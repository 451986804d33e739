package io.raftpool.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The faults of a run, in order, computed from a seed by a pure function: the same seed and
 * settings give the same schedule. Faults never overlap: each is healed before the next
 * starts, and the last is healed {@code quietTailMs} before the time limit, so the workload
 * ends on a cluster that had time to recover.
 */
public record Schedule(List<Fault> faults) {
    public Schedule {
        faults = List.copyOf(faults);
    }

    /**
     * @param timeLimitMs how long the workload runs
     * @param warmupMs    workload before the first fault
     * @param durationMs  how long each fault lasts before it is healed
     * @param intervalMs  quiet time between a heal and the next fault
     * @param quietTailMs the last heal comes at least this long before the time limit
     */
    public record Params(long timeLimitMs, long warmupMs, long durationMs, long intervalMs, long quietTailMs) {
        public Params {
            if (timeLimitMs <= 0 || warmupMs < 0 || durationMs <= 0 || intervalMs < 0 || quietTailMs < 0) {
                throw new IllegalArgumentException("schedule: times must be positive (time limit " + timeLimitMs
                        + " ms, warmup " + warmupMs + ", duration " + durationMs + ", interval " + intervalMs
                        + ", quiet tail " + quietTailMs + ")");
            }
        }

        /** The defaults for a time limit: 5 s warmup, faults of 10 s, 10 s apart, 10 s quiet at the end. */
        public static Params defaults(long timeLimitMs) {
            return new Params(timeLimitMs, 5_000, 10_000, 10_000, 10_000);
        }
    }

    public static Schedule generate(NemesisSpec spec, long seed, Params p) {
        List<Fault> faults = new ArrayList<>();
        if (spec.kinds().isEmpty()) {
            return new Schedule(faults);
        }
        Random rnd = new Random(seed);
        long t = p.warmupMs();
        int id = 1;
        while (true) {
            FaultKind kind = spec.kinds().size() == 1 ? spec.kinds().get(0) : spec.kinds().get(rnd.nextInt(spec.kinds().size()));
            long duration = spec.mix() ? jitter(p.durationMs(), rnd) : p.durationMs();
            long faultSeed = rnd.nextLong();
            if (t + duration > p.timeLimitMs() - p.quietTailMs()) {
                break;
            }
            faults.add(new Fault(id++, kind, t, duration, faultSeed));
            t += duration + (spec.mix() ? jitter(p.intervalMs(), rnd) : p.intervalMs());
        }
        return new Schedule(faults);
    }

    /** Uniform in [d/2, 3d/2), at least one second. */
    private static long jitter(long d, Random rnd) {
        return Math.max(1_000, d / 2 + (long) (rnd.nextDouble() * d));
    }
}
