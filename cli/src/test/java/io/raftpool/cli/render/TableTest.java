package io.raftpool.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.api.view.TableData;
import io.raftpool.api.view.TableData.Column;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void laysOutLikePsqlWithNumbersOnTheRight() {
        TableData table = new TableData(List.of(Column.number("node_id"), Column.text("status")),
                List.of(List.of("0", "up"), List.of("12", "recovering")));
        assertThat(Table.render(table)).isEqualTo("""
                 node_id |   status
                ---------+------------
                       0 | up
                      12 | recovering
                (2 rows)
                """);
    }

    @Test
    void countsOneRowAndNoRows() {
        Column id = Column.number("id");
        assertThat(Table.render(new TableData(List.of(id), List.of(List.of("1"))))).endsWith("(1 row)\n");
        assertThat(Table.render(new TableData(List.of(id), List.of()))).isEqualTo(" id\n----\n(0 rows)\n");
    }
}
