package io.raftpool.cli.render;

import java.util.ArrayList;
import java.util.List;

/**
 * A table laid out the way psql prints one (and so pgpool's {@code show pool_nodes}): centred
 * headers, cells padded with one space, numbers right-aligned, a row count at the end.
 */
public record Table(List<Column> columns, List<List<String>> rows) {

    public enum Align { LEFT, RIGHT }

    public record Column(String name, Align align) {
        public static Column text(String name) {
            return new Column(name, Align.LEFT);
        }

        public static Column number(String name) {
            return new Column(name, Align.RIGHT);
        }
    }

    /** The psql-style drawing of a table built as data (shared with the admin console). */
    public static Table of(io.raftpool.api.view.TableData data) {
        return new Table(data.columns().stream()
                .map(c -> c.numeric() ? Column.number(c.name()) : Column.text(c.name())).toList(), data.rows());
    }

    public Table {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("row " + row + " has " + row.size() + " cells; the table has "
                        + columns.size() + " columns");
            }
        }
    }

    public String render() {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            widths[c] = columns.get(c).name().length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        List<String> lines = new ArrayList<>();
        List<String> header = new ArrayList<>();
        List<String> rule = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            header.add(centre(columns.get(c).name(), widths[c]));
            rule.add("-".repeat(widths[c] + 2));
        }
        lines.add(String.join("|", header).stripTrailing());
        lines.add(String.join("+", rule));
        for (List<String> row : rows) {
            List<String> cells = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                cells.add(" " + pad(row.get(c), widths[c], columns.get(c).align()) + " ");
            }
            lines.add(String.join("|", cells).stripTrailing());
        }
        lines.add("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
        return String.join("\n", lines) + "\n";
    }

    private static String centre(String text, int width) {
        int left = (width - text.length()) / 2;
        return " " + " ".repeat(left) + text + " ".repeat(width - text.length() - left) + " ";
    }

    private static String pad(String text, int width, Align align) {
        String fill = " ".repeat(width - text.length());
        return align == Align.LEFT ? text + fill : fill + text;
    }
}
