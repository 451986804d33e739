package io.raftpool.chaos.nemesis;

/**
 * One scheduled fault: what, when it starts and how long until it is healed (milliseconds
 * from the start of the workload), and a seed for the choices made when it starts (which
 * standby, which nodes on which side).
 */
public record Fault(int id, FaultKind kind, long startMs, long durationMs, long seed) {
    public long endMs() {
        return startMs + durationMs;
    }

    @Override
    public String toString() {
        return String.format("#%d %s at %.1f s for %.1f s", id, kind.cliName(), startMs / 1000.0, durationMs / 1000.0);
    }
}
