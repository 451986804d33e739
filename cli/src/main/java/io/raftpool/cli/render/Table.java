package io.raftpool.cli.render;

import io.raftpool.api.view.TableData;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a {@link TableData} the way psql prints a result (and so pgpool's {@code show pool_nodes}):
 * centred headers, cells padded with one space, numbers right-aligned, a row count at the end.
 */
public final class Table {

    private Table() {}

    public static String render(TableData table) {
        List<TableData.Column> columns = table.columns();
        List<List<String>> rows = table.rows();
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
                cells.add(" " + pad(row.get(c), widths[c], columns.get(c).numeric()) + " ");
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

    private static String pad(String text, int width, boolean numeric) {
        String fill = " ".repeat(width - text.length());
        return numeric ? fill + text : text + fill;
    }
}
