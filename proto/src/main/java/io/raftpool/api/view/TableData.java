package io.raftpool.api.view;

import java.util.List;

/**
 * A table as data: named columns (numbers or text) and rows of cells, before anyone lays it
 * out. The CLI draws it the way psql does; the admin console sends it as a query result.
 */
public record TableData(List<Column> columns, List<List<String>> rows) {

    public record Column(String name, boolean numeric) {
        public static Column text(String name) {
            return new Column(name, false);
        }

        public static Column number(String name) {
            return new Column(name, true);
        }
    }

    public TableData {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("row " + row + " has " + row.size() + " cells; the table has "
                        + columns.size() + " columns");
            }
        }
    }
}
