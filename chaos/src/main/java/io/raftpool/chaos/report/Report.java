package io.raftpool.chaos.report;

import io.raftpool.chaos.checker.Verdict;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.History.Completed;
import io.raftpool.chaos.history.History.FaultWindow;
import io.raftpool.chaos.history.Json;
import io.raftpool.chaos.history.OpType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run directory's summary.json, summary.txt and index.html (with the SVG plots inline).
 * The texts are pure functions of {@link ReportData}; {@link #write} only saves them.
 */
public final class Report {
    private Report() {}

    public static void write(Path dir, ReportData d) {
        save(dir.resolve("summary.json"), Json.pretty(summaryJson(d)) + "\n");
        save(dir.resolve("summary.txt"), summaryText(d));
        save(dir.resolve("index.html"), html(d));
    }

    public static Map<String, Object> summaryJson(ReportData d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", d.result());
        m.put("valid", d.verdict().valid());
        m.put("healed", d.healing().healed());
        m.put("run", d.run());
        m.put("operations", operations(d.history()));
        m.put("faults", faults(d.history()));
        m.put("checkers", d.verdict().parts().isEmpty() ? List.of(verdictMap(d.verdict()))
                : d.verdict().parts().stream().map(Report::verdictMap).toList());
        Map<String, Object> heal = new LinkedHashMap<>();
        heal.put("healed", d.healing().healed());
        heal.put("state", d.healing().state());
        heal.put("elapsed_ms", d.healing().elapsedMs());
        heal.put("blockers", d.healing().blockers());
        m.put("healing", heal);
        return m;
    }

    static Map<String, Object> verdictMap(Verdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checker", v.checker());
        m.put("validity", v.validity().lower());
        m.put("reasons", v.reasons());
        m.put("warnings", v.warnings());
        m.put("details", v.details());
        return m;
    }

    /** Counts of client operations: by outcome, by operation and outcome, and those of direct clients by outcome. */
    static Map<String, Object> operations(History h) {
        List<Completed> ops = h.completed(c -> c.invoke().isClient());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("invoked", ops.size());
        for (OpType t : List.of(OpType.OK, OpType.FAIL, OpType.INFO)) {
            m.put(t.jsonName(), ops.stream().filter(c -> c.type() == t).count());
        }
        List<Completed> direct = ops.stream().filter(c -> c.invoke().direct()).toList();
        if (!direct.isEmpty()) {
            Map<String, Long> d = new LinkedHashMap<>();
            d.put("invoked", (long) direct.size());
            for (OpType t : List.of(OpType.OK, OpType.FAIL, OpType.INFO)) {
                d.put(t.jsonName(), direct.stream().filter(c -> c.type() == t).count());
            }
            m.put("direct", d);
        }
        Map<String, Map<String, Long>> byF = new TreeMap<>();
        for (Completed c : ops) {
            byF.computeIfAbsent(c.f(), k -> new TreeMap<>()).merge(c.type().jsonName(), 1L, Long::sum);
        }
        m.put("by_f", byF);
        return m;
    }

    static List<Map<String, Object>> faults(History h) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (FaultWindow w : h.faultWindows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", w.id());
            m.put("kind", w.kind());
            m.put("start_s", round(w.startSeconds()));
            m.put("end_s", round(w.endSeconds()));
            m.put("applied", w.applied());
            m.put("what", w.what());
            list.add(m);
        }
        return list;
    }

    public static String summaryText(ReportData d) {
        StringBuilder b = new StringBuilder();
        b.append("raftpool chaos run: ").append(d.result()).append('\n');
        d.run().forEach((k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
        Map<String, Object> ops = operations(d.history());
        b.append(String.format("operations: %s invoked, %s ok, %s fail, %s info (unknown)%n", ops.get("invoked"),
                ops.get("ok"), ops.get("fail"), ops.get("info")));
        if (ops.get("direct") instanceof Map<?, ?> direct) {
            // a direct client on a standby fails every write (read-only): most of its fails are that
            b.append(String.format("  of which direct (straight to a server, not through a proxy): %s invoked, %s ok,"
                    + " %s fail, %s info%n", direct.get("invoked"), direct.get("ok"), direct.get("fail"), direct.get("info")));
        }
        List<FaultWindow> windows = d.history().faultWindows();
        b.append("faults: ").append(windows.size()).append('\n');
        for (FaultWindow w : windows) {
            b.append(String.format(Locale.ROOT, "  #%d %-18s %6.1f s .. %6.1f s  %s%n", w.id(), w.kind(), w.startSeconds(),
                    w.endSeconds(), w.what()));
        }
        b.append("checkers:\n");
        List<Verdict> parts = d.verdict().parts().isEmpty() ? List.of(d.verdict()) : d.verdict().parts();
        for (Verdict v : parts) {
            b.append("  ").append(v.checker()).append(": ").append(v.validity()).append(' ').append(keyFigures(v)).append('\n');
            v.reasons().forEach(r -> b.append("    - ").append(r).append('\n'));
            v.warnings().forEach(w -> b.append("    ! ").append(w).append('\n'));
        }
        b.append("healed: ").append(d.healing().healed() ? "yes" : "NO").append(" (")
                .append(d.healing().elapsedMs()).append(" ms) ").append(d.healing().state()).append('\n');
        d.healing().blockers().forEach(x -> b.append("    - ").append(x).append('\n'));
        return b.toString();
    }

    /** A few figures of a verdict on one line. */
    static String keyFigures(Verdict v) {
        List<String> parts = new ArrayList<>();
        for (var e : v.details().entrySet()) {
            if (e.getValue() instanceof Number || e.getValue() instanceof Boolean) {
                parts.add(e.getKey() + "=" + e.getValue());
            }
        }
        if (v.details().get("per_kind_ms") instanceof Map<?, ?> kinds) {
            kinds.forEach((k, s) -> parts.add("writes impossible after " + k + " (ms): " + s));
        }
        return parts.isEmpty() ? "" : "(" + String.join(", ", parts) + ")";
    }

    public static String html(ReportData d) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>");
        b.append("<title>raftpool chaos run: ").append(Xml.esc(d.result())).append("</title>");
        b.append("<style>body{font-family:sans-serif;margin:2em;max-width:1060px}pre{background:#f6f6f6;padding:1em;"
                + "white-space:pre-wrap}.VALID{color:#2b9348}.INVALID{color:#d62828}.UNKNOWN,.NOTHEALED{color:#f4a100}"
                + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style>");
        b.append("</head><body>\n");
        String cls = d.result().equals("VALID") ? "VALID" : d.result().startsWith("VALID") ? "NOTHEALED" : d.result();
        b.append("<h1>raftpool chaos run: <span class=\"").append(cls).append("\">").append(Xml.esc(d.result()))
                .append("</span></h1>\n");
        b.append("<pre>").append(Xml.esc(summaryText(d))).append("</pre>\n");
        b.append("<h2>Latency</h2>\n").append(Plots.latency(d.history(), d.markers())).append('\n');
        b.append("<h2>Throughput</h2>\n").append(Plots.throughput(d.history(), d.markers())).append('\n');
        b.append("<p>Shaded: fault windows (grey: the fault found no target and was skipped). Dashed lines: changes of"
                + " primary in the committed state.</p>\n");
        b.append("<h2>Faults</h2>\n<table><tr><th>#</th><th>fault</th><th>from (s)</th><th>to (s)</th><th>what</th></tr>");
        for (FaultWindow w : d.history().faultWindows()) {
            b.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%s</td><td>%.1f</td><td>%.1f</td><td>%s</td></tr>",
                    w.id(), Xml.esc(w.kind()), w.startSeconds(), w.endSeconds(), Xml.esc(w.what())));
        }
        b.append("</table>\n<h2>Files</h2>\n<ul>");
        for (String f : d.files()) {
            b.append("<li><a href=\"").append(Xml.esc(f)).append("\">").append(Xml.esc(f)).append("</a></li>");
        }
        b.append("</ul>\n</body></html>\n");
        return b.toString();
    }

    private static double round(double s) {
        return Math.round(s * 1000) / 1000.0;
    }

    private static void save(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
