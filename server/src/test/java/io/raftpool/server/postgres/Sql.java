package io.raftpool.server.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Plain SQL against a test server, one short connection per call. */
final class Sql {
    private static final Duration CONNECT = Duration.ofSeconds(10);

    private Sql() {
    }

    static void execute(PostgresServer server, String sql) throws SQLException {
        try (Connection c = server.connect(CONNECT); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The first column of every row, as text. */
    static List<String> column(PostgresServer server, String sql) throws SQLException {
        try (Connection c = server.connect(CONNECT); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }
}
