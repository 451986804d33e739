package io.raftpool.chaos.report;

import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.History.Completed;
import io.raftpool.chaos.history.History.FaultWindow;
import io.raftpool.chaos.history.OpType;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hand-written SVG plots of a history, like Jepsen's: latency of every client operation over
 * time (log scale, coloured by outcome) and throughput per second, with the fault windows
 * shaded and labelled and the changes of primary marked. Pure: history in, SVG text out.
 */
public final class Plots {
    static final int WIDTH = 1000;
    static final int HEIGHT = 320;
    static final int LEFT = 60;
    static final int RIGHT = 20;
    static final int TOP = 30;
    static final int BOTTOM = 40;
    static final int MAX_POINTS = 20_000;
    static final Map<OpType, String> COLORS = new EnumMap<>(Map.of(OpType.OK, "#2b9348", OpType.FAIL, "#d62828",
            OpType.INFO, "#f4a100"));

    private Plots() {}

    /** Latency (ms, log scale) of every client operation against its invocation time. */
    public static String latency(History h, List<Marker> markers) {
        List<Completed> ops = h.completed(c -> c.invoke().isClient());
        double end = Math.max(1, h.endNs() / 1e9);
        double maxMs = Math.max(10, ops.stream().mapToDouble(c -> c.latencyNs() / 1e6).max().orElse(10));
        double lo = 0; // log10(1 ms)
        double hi = Math.ceil(Math.log10(maxMs));
        StringBuilder b = open("latency", "Latency of each operation (ms, log scale) over time (s)");
        faults(b, h.faultWindows(), end);
        axes(b, end);
        for (double d = lo; d <= hi; d++) {
            double y = y(d, lo, hi);
            b.append(line(LEFT, y, WIDTH - RIGHT, y, "grid"));
            b.append(text(LEFT - 6, y + 4, "end", fmt(Math.pow(10, d))));
        }
        int step = Math.max(1, ops.size() / MAX_POINTS);
        for (int i = 0; i < ops.size(); i += step) {
            Completed c = ops.get(i);
            double ms = Math.max(1, c.latencyNs() / 1e6);
            double x = x(c.invoke().timeNs() / 1e9, end);
            double y = y(Math.log10(ms), lo, hi);
            b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"%s\" class=\"op %s\"/>",
                    x, y, COLORS.get(c.type()), c.type().jsonName()));
        }
        markers(b, markers, end);
        legend(b);
        return b.append("</svg>").toString();
    }

    /** Completions per second, by outcome. */
    public static String throughput(History h, List<Marker> markers) {
        List<Completed> ops = h.completed(c -> c.invoke().isClient());
        double end = Math.max(1, h.endNs() / 1e9);
        int buckets = (int) Math.ceil(end);
        Map<OpType, int[]> counts = new EnumMap<>(OpType.class);
        for (OpType t : List.of(OpType.OK, OpType.FAIL, OpType.INFO)) {
            counts.put(t, new int[buckets + 1]);
        }
        for (Completed c : ops) {
            int i = (int) Math.min(buckets, Math.max(0, c.completion().timeNs() / 1_000_000_000L));
            counts.get(c.type())[i]++;
        }
        int max = 1;
        for (int[] a : counts.values()) {
            for (int v : a) {
                max = Math.max(max, v);
            }
        }
        StringBuilder b = open("throughput", "Operations completed per second, by outcome");
        faults(b, h.faultWindows(), end);
        axes(b, end);
        int yStep = niceStep(max);
        for (int v = 0; v <= max; v += yStep) {
            double y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (double) v / max;
            b.append(line(LEFT, y, WIDTH - RIGHT, y, "grid"));
            b.append(text(LEFT - 6, y + 4, "end", Integer.toString(v)));
        }
        for (var e : counts.entrySet()) {
            StringBuilder pts = new StringBuilder();
            int[] a = e.getValue();
            for (int i = 0; i < a.length; i++) {
                double x = x(i + 0.5, end);
                double y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (double) a[i] / max;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            b.append("<polyline fill=\"none\" stroke=\"").append(COLORS.get(e.getKey())).append("\" stroke-width=\"1.5\" class=\"rate ")
                    .append(e.getKey().jsonName()).append("\" points=\"").append(pts.toString().trim()).append("\"/>");
        }
        markers(b, markers, end);
        legend(b);
        return b.append("</svg>").toString();
    }

    private static StringBuilder open(String id, String title) {
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(id).append("\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">");
        b.append("<title>").append(Xml.esc(title)).append("</title>");
        b.append(text(LEFT, 16, "start", title));
        return b;
    }

    private static void faults(StringBuilder b, List<FaultWindow> windows, double end) {
        for (FaultWindow w : windows) {
            double x1 = x(w.startSeconds(), end);
            double x2 = Math.max(x1 + 1, x(w.endSeconds(), end));
            b.append(String.format(Locale.ROOT, "<rect class=\"fault\" data-fault=\"%d\" x=\"%.1f\" y=\"%d\" width=\"%.1f\""
                    + " height=\"%d\" fill=\"%s\" fill-opacity=\"0.35\"><title>%s</title></rect>", w.id(), x1, TOP,
                    x2 - x1, HEIGHT - TOP - BOTTOM, w.applied() ? "#e76f51" : "#bbbbbb",
                    Xml.esc("fault #" + w.id() + " " + w.kind() + ": " + w.what())));
            b.append(text(x1 + 2, TOP + 11, "start", "#" + w.id() + " " + w.kind()));
        }
    }

    private static void markers(StringBuilder b, List<Marker> markers, double end) {
        int row = 0;
        for (Marker m : markers) {
            double x = x(m.seconds(), end);
            b.append(String.format(Locale.ROOT, "<line class=\"marker\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
                    + " stroke=\"#264653\" stroke-dasharray=\"4,3\"/>", x, TOP, x, HEIGHT - BOTTOM));
            b.append(text(x + 2, HEIGHT - BOTTOM - 4 - 12 * (row++ % 3), "start", m.label()));
        }
    }

    private static void axes(StringBuilder b, double end) {
        b.append(line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, "axis"));
        b.append(line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, "axis"));
        int step = niceStep(end);
        for (int s = 0; s <= end; s += step) {
            double x = x(s, end);
            b.append(line(x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 4, "axis"));
            b.append(text(x, HEIGHT - BOTTOM + 16, "middle", s + " s"));
        }
    }

    private static void legend(StringBuilder b) {
        int x = WIDTH - RIGHT - 150;
        for (OpType t : List.of(OpType.OK, OpType.FAIL, OpType.INFO)) {
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"8\" width=\"10\" height=\"10\" fill=\"%s\"/>", x, COLORS.get(t)));
            b.append(text(x + 13, 17, "start", t.jsonName()));
            x += 50;
        }
    }

    static int niceStep(double range) {
        for (int s : new int[] {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000}) {
            if (range / s <= 12) {
                return s;
            }
        }
        return 20_000;
    }

    static double x(double seconds, double end) {
        return LEFT + (WIDTH - LEFT - RIGHT) * Math.max(0, Math.min(seconds, end)) / end;
    }

    private static double y(double logMs, double lo, double hi) {
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (logMs - lo) / Math.max(1, hi - lo);
    }

    private static String line(double x1, double y1, double x2, double y2, String cls) {
        return String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
                cls, x1, y1, x2, y2, cls.equals("grid") ? "#e5e5e5" : "#333333");
    }

    private static String text(double x, double y, String anchor, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor, Xml.esc(s));
    }

    private static String fmt(double ms) {
        return ms >= 1000 ? (long) (ms / 1000) + " s" : (long) ms + " ms";
    }
}
