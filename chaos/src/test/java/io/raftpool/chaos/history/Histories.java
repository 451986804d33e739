package io.raftpool.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Builds histories for tests, with explicit times in milliseconds. */
public final class Histories {
    private final List<Op> ops = new ArrayList<>();

    public static Histories builder() {
        return new Histories();
    }

    public Histories add(int process, OpType type, String f, JsonNode value, double ms, int server, long timeline,
                         String error) {
        ops.add(new Op(ops.size(), process, type, f, value, (long) (ms * 1_000_000), 1_700_000_000_000L + (long) ms, 0,
                server, timeline, error));
        return this;
    }

    public Histories invoke(int process, String f, JsonNode value, double ms) {
        return add(process, OpType.INVOKE, f, value, ms, -1, -1, "");
    }

    public Histories ok(int process, String f, JsonNode value, double ms, int server, long timeline) {
        return add(process, OpType.OK, f, value, ms, server, timeline, "");
    }

    public Histories fail(int process, String f, JsonNode value, double ms, String why) {
        return add(process, OpType.FAIL, f, value, ms, -1, -1, why);
    }

    public Histories info(int process, String f, JsonNode value, double ms, String why) {
        return add(process, OpType.INFO, f, value, ms, -1, -1, why);
    }

    /** An acknowledged write of {@code id} by {@code server} on {@code timeline}, from {@code from} to {@code to} ms. */
    public Histories write(int process, String f, long id, double from, double to, int server, long timeline) {
        return invoke(process, f, Json.of(id), from).ok(process, f, Json.of(id), to, server, timeline);
    }

    /**
     * A write of {@code id} by a client connected straight to node {@code node}'s server, from
     * {@code from} to {@code to} ms, acknowledged by that server on {@code timeline}.
     */
    public Histories directWrite(int process, String f, long id, double from, double to, int node, long timeline) {
        ops.add(new Op(ops.size(), process, OpType.INVOKE, f, Json.of(id), (long) (from * 1_000_000),
                1_700_000_000_000L + (long) from, node, -1, -1, "", true));
        ops.add(new Op(ops.size(), process, OpType.OK, f, Json.of(id), (long) (to * 1_000_000),
                1_700_000_000_000L + (long) to, node, node, timeline, "", true));
        return this;
    }

    /** The wall-clock time (epoch ms) the builder gives to {@code ms} since the start. */
    public static long wallMs(double ms) {
        return 1_700_000_000_000L + (long) ms;
    }

    /** A fault from {@code from} to {@code to} ms (the nemesis start and stop operations). */
    public Histories fault(int id, String kind, double from, double to) {
        invoke(Op.NEMESIS, kind, Json.object().put("fault", id).put("phase", "start"), from);
        ok(Op.NEMESIS, kind, Json.object().put("fault", id).put("phase", "start").put("what", kind + " of node 0"), from + 1,
                -1, -1);
        invoke(Op.NEMESIS, kind, Json.object().put("fault", id).put("phase", "stop"), to - 1);
        return ok(Op.NEMESIS, kind, Json.object().put("fault", id).put("phase", "stop"), to, -1, -1);
    }

    /** The control process's setup with {@code value}. */
    public Histories setup(JsonNode value, double ms) {
        return invoke(Op.CONTROL, "setup", null, ms).ok(Op.CONTROL, "setup", value, ms + 1, 0, -1);
    }

    /** The control process's final read of {@code ids}. */
    public Histories finalRead(List<Long> ids, double ms) {
        return finalReadValue(Json.object().set("ids", Json.longs(ids)), ms);
    }

    public Histories finalReadValue(JsonNode value, double ms) {
        return invoke(Op.CONTROL, "final-read", null, ms).ok(Op.CONTROL, "final-read", value, ms + 1, 0, -1);
    }

    public History build() {
        return History.of(ops);
    }
}
