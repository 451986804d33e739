package io.raftpool.api.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftpool.api.view.TableData.Column;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableDataTest {

    @Test
    void aRowMustHaveOneCellPerColumn() {
        assertThatThrownBy(() -> new TableData(List.of(Column.text("a"), Column.text("b")), List.of(List.of("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row [x] has 1 cells; the table has 2 columns");
    }

    @Test
    void keepsItsOwnCopyOfTheRows() {
        List<String> row = new ArrayList<>(List.of("1"));
        TableData table = new TableData(List.of(Column.number("id")), List.of(row));
        row.set(0, "2");
        assertThat(table.rows()).containsExactly(List.of("1"));
    }
}
