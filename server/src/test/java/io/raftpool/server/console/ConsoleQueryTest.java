package io.raftpool.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.server.console.ConsoleQuery.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the admin console answers: the four shows, in any case, with or without a semicolon; nothing else. */
class ConsoleQueryTest {

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {
        "show pool_nodes|POOL_NODES", "SHOW POOL_NODES;|POOL_NODES", "  Show   Pool_Nodes ;; |POOL_NODES",
        "show watchdog_info|WATCHDOG_INFO", "show\twatchdog_info;|WATCHDOG_INFO", "show events|EVENTS",
        "SHOW EVENTS ;|EVENTS", "show parameters|PARAMETERS", "Show Maintenance;|MAINTENANCE", "'   '|EMPTY", ";|EMPTY"})
    void theShowsAreAnswered(String sql, Kind kind) {
        ConsoleQuery q = ConsoleQuery.parse(sql);

        assertThat(q.kind()).isEqualTo(kind);
        assertThat(q.refusal()).isEmpty();
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"delete from pool_nodes", "UPDATE x SET y = 1", "drop table t", "set x = 1",
        "begin", "copy t from stdin", "insert into t values (1)"})
    void writesAreRefusedAsReadOnly(String sql) {
        ConsoleQuery q = ConsoleQuery.parse(sql);

        assertThat(q.kind()).isEqualTo(Kind.REFUSED);
        assertThat(q.refusal()).hasValueSatisfying(r -> {
            assertThat(r.sqlState()).isEqualTo("25006");
            assertThat(r.message()).startsWith("the raftpool admin console is read-only; it answers show pool_nodes,"
                    + " show watchdog_info, show events");
        });
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"select 1", "show pool_status", "show", "explain show pool_nodes", "pool_nodes"})
    void anythingElseIsNotSupported(String sql) {
        ConsoleQuery q = ConsoleQuery.parse(sql);

        assertThat(q.kind()).isEqualTo(Kind.REFUSED);
        assertThat(q.refusal()).hasValueSatisfying(r -> {
            assertThat(r.sqlState()).isEqualTo("0A000");
            assertThat(r.message()).contains("show pool_nodes, show watchdog_info, show events");
        });
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"show pool_nodes; show events", "show events; delete from x"})
    void oneStatementAtATime(String sql) {
        assertThat(ConsoleQuery.parse(sql).refusal()).hasValueSatisfying(r -> assertThat(r.sqlState()).isEqualTo("42601"));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"show pool_nodes_and_a_very_long_name_that_goes_on_and_on_and_on_and_on"})
    void anUnknownShowIsQuotedShort(String sql) {
        assertThat(ConsoleQuery.parse(sql).refusal()).hasValueSatisfying(r -> assertThat(r.message())
                .startsWith("unknown show: 'pool_nodes_and_a_very_long_name_that_goe...'"));
    }
}
