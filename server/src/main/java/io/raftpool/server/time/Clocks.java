package io.raftpool.server.time;

/** Time as an input: a monotonic clock for durations and a wall clock for what users read. */
public interface Clocks {
    long monoMs();

    long wallMs();

    Clocks SYSTEM = new Clocks() {
        @Override
        public long monoMs() {
            return System.nanoTime() / 1_000_000;
        }

        @Override
        public long wallMs() {
            return System.currentTimeMillis();
        }
    };
}
