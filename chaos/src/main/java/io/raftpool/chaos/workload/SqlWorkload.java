package io.raftpool.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.chaos.history.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * What the workloads do alike: their name and writing operation, the setup (tables, then a
 * record of the workload and the replication mode), and the SQL round trips every operation
 * ends with. A workload supplies its tables, operations, final read and checkers.
 */
abstract class SqlWorkload implements Workload {
    /** The columns with which a row records the server and the timeline that took it. */
    static final String SERVER_COLUMNS = "port int not null default inet_server_port(), timeline int not null default "
            + TIMELINE_SQL;

    private final String name;
    private final Set<String> writeFs;
    private final List<String> schema;

    /** {@code schema}: the statements that create the workload's tables, each idempotent. */
    SqlWorkload(String name, String writeF, String... schema) {
        this.name = name;
        this.writeFs = Set.of(writeF);
        this.schema = List.of(schema);
    }

    /** What the setup records beyond the workload and the replication mode. */
    ObjectNode describe(ObjectNode setup) {
        return setup;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final JsonNode setup(Connection c, boolean syncReplication) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : schema) {
                s.execute(sql);
            }
        }
        return describe(Json.object().put("workload", name).put("replication", syncReplication ? "sync" : "async"));
    }

    @Override
    public final Set<String> writeFs() {
        return writeFs;
    }

    /** Sends the deciding statement, whose one row is the port and timeline of the server that took it. */
    static Applied decide(PreparedStatement returningServer, JsonNode value, Phase phase) throws SQLException {
        phase.sendingDecidingRequest();
        try (ResultSet rs = returningServer.executeQuery()) {
            rs.next();
            return Applied.ok(value, rs.getInt(1), rs.getLong(2));
        }
    }

    /** Runs {@code query} and hands each row to {@code row}. */
    static void forEachRow(Connection c, String query, Row row) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }

    /** The port and timeline ({@code timelineSql}) of the server this transaction runs on. */
    static Server server(Connection c, String timelineSql) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select inet_server_port(), " + timelineSql)) {
            rs.next();
            return new Server(rs.getInt(1), rs.getLong(2));
        }
    }

    record Server(int port, long timeline) {
        Applied ok(JsonNode value) {
            return Applied.ok(value, port, timeline);
        }
    }

    @FunctionalInterface
    interface Row {
        void accept(ResultSet rs) throws SQLException;
    }
}
