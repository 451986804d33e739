package io.raftpool.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A history as JSON lines (history.jsonl), one operation per line:
 * {@code {"index":7,"process":2,"type":"ok","f":"add","value":2000007,"time":1234567,"wall":...,
 * "node":1,"server":0,"timeline":1}}. Fields at their default (-1, empty, false) are left out;
 * {@code "direct":true} marks an operation of a client connected straight to the PostgreSQL server of {@code node};
 * {@code process} is -1 for the nemesis and -2 for the run's control process.
 */
public final class HistoryJson {
    private HistoryJson() {}

    public static String toLine(Op op) {
        ObjectNode o = Json.object();
        o.put("index", op.index());
        o.put("process", op.process());
        o.put("type", op.type().jsonName());
        o.put("f", op.f());
        if (!op.value().isNull()) {
            o.set("value", op.value());
        }
        o.put("time", op.timeNs());
        o.put("wall", op.wallMs());
        if (op.node() >= 0) {
            o.put("node", op.node());
        }
        if (op.server() >= 0) {
            o.put("server", op.server());
        }
        if (op.timeline() >= 0) {
            o.put("timeline", op.timeline());
        }
        if (!op.error().isEmpty()) {
            o.put("error", op.error());
        }
        if (op.direct()) {
            o.put("direct", true);
        }
        return Json.compact(o);
    }

    public static Op parseLine(String line) {
        JsonNode o = Json.parse(line);
        if (!o.isObject() || !o.has("type") || !o.has("f") || !o.has("process")) {
            throw new IllegalArgumentException("not a history entry (needs process, type and f): " + line);
        }
        return new Op(o.path("index").asLong(-1), o.get("process").asInt(), OpType.fromJson(o.get("type").asText()),
                o.get("f").asText(), o.get("value"), o.path("time").asLong(0), o.path("wall").asLong(0),
                o.path("node").asInt(-1), o.path("server").asInt(-1), o.path("timeline").asLong(-1),
                o.path("error").asText(""), o.path("direct").asBoolean(false));
    }

    public static History read(Path file) {
        List<Op> ops = new ArrayList<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    ops.add(parseLine(line));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + n + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the history " + file + ": " + e.getMessage(), e);
        }
        return History.of(ops);
    }

    public static void write(History history, Path file) {
        StringBuilder b = new StringBuilder();
        for (Op op : history.ops()) {
            b.append(toLine(op)).append('\n');
        }
        try {
            Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history " + file + ": " + e.getMessage(), e);
        }
    }
}
