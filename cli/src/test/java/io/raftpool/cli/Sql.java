package io.raftpool.cli;

import io.raftpool.harness.LocalCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Test-only: one query or statement on one node's PostgreSQL, as the superuser. */
final class Sql {
    private Sql() {}

    /** The first column of the first row. */
    static String query(LocalCluster cluster, int node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(node));
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void execute(LocalCluster cluster, int node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(node))) {
            c.createStatement().execute(sql);
        }
    }
}
