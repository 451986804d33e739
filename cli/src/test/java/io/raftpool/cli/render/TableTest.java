package io.raftpool.cli.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void laysOutLikePsqlWithNumbersOnTheRight() {
        Table table = new Table(List.of(Table.Column.number("node_id"), Table.Column.text("status")),
                List.of(List.of("0", "up"), List.of("12", "recovering")));
        assertThat(table.render()).isEqualTo("""
                 node_id |   status
                ---------+------------
                       0 | up
                      12 | recovering
                (2 rows)
                """);
    }

    @Test
    void countsOneRowAndNoRows() {
        Table.Column id = Table.Column.number("id");
        assertThat(new Table(List.of(id), List.of(List.of("1"))).render()).endsWith("(1 row)\n");
        assertThat(new Table(List.of(id), List.of()).render()).isEqualTo(" id\n----\n(0 rows)\n");
    }

    @Test
    void aRowMustHaveOneCellPerColumn() {
        assertThatThrownBy(() -> new Table(List.of(Table.Column.text("a"), Table.Column.text("b")), List.of(List.of("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row [x] has 1 cells; the table has 2 columns");
    }
}
