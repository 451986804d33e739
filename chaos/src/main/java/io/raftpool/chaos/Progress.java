package io.raftpool.chaos;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/** Progress of a run, one line per event, each stamped with the seconds since the run began. */
@FunctionalInterface
public interface Progress {
    void line(String text);

    static Progress to(PrintWriter out, LongSupplier nanos) {
        long start = nanos.getAsLong();
        return text -> {
            synchronized (out) {
                out.printf("[%7.1fs] %s%n", (nanos.getAsLong() - start) / 1e9, text);
                out.flush();
            }
        };
    }

    static Progress silent() {
        return text -> { };
    }
}
