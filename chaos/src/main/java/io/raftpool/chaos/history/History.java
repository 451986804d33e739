package io.raftpool.chaos.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * An immutable history: operations in the order they were recorded. Pure queries only; the
 * checkers read nothing else.
 */
public final class History {
    private final List<Op> ops;

    private History(List<Op> ops) {
        this.ops = List.copyOf(ops);
    }

    public static History of(List<Op> ops) {
        return new History(ops);
    }

    public List<Op> ops() {
        return ops;
    }

    public int size() {
        return ops.size();
    }

    /** The time of the last entry, in ns since the start (0 when empty). */
    public long endNs() {
        return ops.isEmpty() ? 0 : ops.get(ops.size() - 1).timeNs();
    }

    /**
     * An invocation with its completion. A completion is missing when the run ended first: it is
     * then an {@link OpType#INFO} (unknown) completion at the end of the history.
     */
    public record Completed(Op invoke, Op completion) {
        public OpType type() {
            return completion.type();
        }

        public long latencyNs() {
            return completion.timeNs() - invoke.timeNs();
        }

        public String f() {
            return invoke.f();
        }
    }

    /** Every invocation paired with the next completion of the same process, in invocation order. */
    public List<Completed> completed() {
        Map<Integer, Op> open = new HashMap<>();
        Map<Long, Op> completionOf = new HashMap<>();
        for (Op op : ops) {
            if (op.type() == OpType.INVOKE) {
                Op previous = open.put(op.process(), op);
                if (previous != null) {
                    throw new IllegalArgumentException("process " + op.process() + " invoked " + op
                            + " while " + previous + " was still open");
                }
            } else {
                Op inv = open.remove(op.process());
                if (inv == null) {
                    throw new IllegalArgumentException("completion without an invocation: " + op);
                }
                completionOf.put(inv.index(), op);
            }
        }
        List<Completed> result = new ArrayList<>();
        for (Op op : ops) {
            if (op.type() == OpType.INVOKE) {
                Op c = completionOf.get(op.index());
                if (c == null) {
                    c = new Op(-1, op.process(), OpType.INFO, op.f(), null, endNs(), op.wallMs(), op.node(), -1, -1,
                            "no completion: the run ended first", op.direct());
                }
                result.add(new Completed(op, c));
            }
        }
        return result;
    }

    public List<Completed> completed(Predicate<Completed> filter) {
        return completed().stream().filter(filter).toList();
    }

    /** The completed client operations named {@code f}. */
    public List<Completed> client(String f) {
        return completed(c -> c.invoke().isClient() && c.f().equals(f));
    }

    /** The control process's last successful operation named {@code f} (e.g. the final read). */
    public Optional<Completed> lastControl(String f) {
        List<Completed> found = completed(c -> c.invoke().process() == Op.CONTROL && c.f().equals(f) && c.type() == OpType.OK);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** A fault as the history shows it: from the nemesis starting it to the nemesis healing it. */
    public record FaultWindow(int id, String kind, long startNs, long endNs, long startWallMs, String what,
                              boolean applied) {
        public double startSeconds() {
            return startNs / 1e9;
        }

        public double endSeconds() {
            return endNs / 1e9;
        }
    }

    /**
     * The fault windows: a nemesis "start" invocation opens one (keyed by value.fault), the
     * completion of the matching "stop" closes it; a window never closed ends with the history.
     * {@code applied} is false when the start completed as fail (nothing was done, e.g. no
     * standby to kill).
     */
    public List<FaultWindow> faultWindows() {
        Map<Integer, Op> starts = new HashMap<>();
        Map<Integer, Op> startResults = new HashMap<>();
        Map<Integer, Op> stops = new HashMap<>();
        List<Integer> order = new ArrayList<>();
        for (Completed c : completed(c -> c.invoke().process() == Op.NEMESIS)) {
            int id = c.invoke().value().path("fault").asInt(-1);
            String phase = c.invoke().value().path("phase").asText("");
            if (id < 0) {
                continue;
            }
            if (phase.equals("start")) {
                starts.put(id, c.invoke());
                startResults.put(id, c.completion());
                order.add(id);
            } else if (phase.equals("stop")) {
                stops.put(id, c.completion());
            }
        }
        List<FaultWindow> windows = new ArrayList<>();
        for (int id : order) {
            Op start = starts.get(id);
            Op result = startResults.get(id);
            Op stop = stops.get(id);
            windows.add(new FaultWindow(id, start.f(), start.timeNs(), stop == null ? endNs() : stop.timeNs(),
                    start.wallMs(), result.value().path("what").asText(result.error()), result.type() != OpType.FAIL));
        }
        return windows;
    }
}
