package io.raftpool.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Records a history while a run goes on: thread-safe, in memory and, line by line, in a JSON
 * lines file (so a run that dies still leaves what happened up to then). Time is an input.
 */
public final class HistoryRecorder implements AutoCloseable {
    private final LongSupplier nanos;
    private final LongSupplier wallMillis;
    private final long startNanos;
    private final List<Op> ops = new ArrayList<>();
    private final BufferedWriter out;

    public HistoryRecorder(Optional<Path> file, LongSupplier nanos, LongSupplier wallMillis) {
        this.nanos = nanos;
        this.wallMillis = wallMillis;
        this.startNanos = nanos.getAsLong();
        try {
            this.out = file.isPresent() ? Files.newBufferedWriter(file.get(), StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history to " + file.get() + ": " + e.getMessage(), e);
        }
    }

    public static HistoryRecorder inMemory() {
        return new HistoryRecorder(Optional.empty(), System::nanoTime, System::currentTimeMillis);
    }

    /** Nanoseconds since this recorder started: the time base of the history. */
    public long now() {
        return nanos.getAsLong() - startNanos;
    }

    /** Appends {@code op}, stamping its index and times. */
    public synchronized Op record(Op op) {
        Op placed = op.placed(ops.size(), now(), wallMillis.getAsLong());
        ops.add(placed);
        if (out != null) {
            try {
                out.write(HistoryJson.toLine(placed));
                out.write('\n');
                if (!placed.isClient() || placed.type() != OpType.INVOKE) {
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the history file: " + e.getMessage(), e);
            }
        }
        return placed;
    }

    public Op invoke(int process, String f, JsonNode value, int node) {
        return record(Op.of(process, OpType.INVOKE, f, value, node, -1, -1, ""));
    }

    /** An invocation by a client connected straight to node {@code node}'s PostgreSQL server. */
    public Op invokeDirect(int process, String f, JsonNode value, int node) {
        return record(Op.of(process, OpType.INVOKE, f, value, node, -1, -1, "").asDirect());
    }

    public Op complete(Op invocation, OpType type, JsonNode value, int server, long timeline, String error) {
        if (!type.isCompletion()) {
            throw new IllegalArgumentException("a completion must be ok, fail or info, not " + type);
        }
        Op completion = Op.of(invocation.process(), type, invocation.f(), value == null ? invocation.value() : value,
                invocation.node(), server, timeline, error);
        return record(invocation.direct() ? completion.asDirect() : completion);
    }

    public synchronized History snapshot() {
        return History.of(ops);
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the history file: " + e.getMessage(), e);
            }
        }
    }
}
