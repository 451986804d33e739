package io.raftpool.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.chaos.checker.AvailabilityChecker;
import io.raftpool.chaos.checker.Checker;
import io.raftpool.chaos.checker.SetChecker;
import io.raftpool.chaos.checker.SinglePrimaryChecker;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;

/**
 * Single primary (S1, S6): every write records, in its own row, which server took it
 * ({@code inet_server_port()}) and on which WAL timeline (the current WAL file's); two servers
 * taking writes in overlapping intervals is a split-brain. The surviving rows are also checked
 * as a set (lost and phantom writes).
 */
public final class SinglePrimaryWorkload extends SqlWorkload {
    public static final String NAME = "single-primary";
    static final String WRITE = "write";

    public SinglePrimaryWorkload() {
        super(NAME, WRITE, "create table if not exists chaos_writes (id bigint primary key, process int not null, "
                + SERVER_COLUMNS + ", at timestamptz not null default clock_timestamp())");
    }

    @Override
    public Invocation next(int client, long seq, Random rnd) {
        return new Invocation(WRITE, Json.of(SetWorkload.id(client, seq)));
    }

    @Override
    public Applied apply(Connection c, Invocation op, Phase phase) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into chaos_writes (id, process) values (?, ?) returning port, timeline")) {
            long id = op.value().asLong();
            ps.setLong(1, id);
            ps.setInt(2, (int) (id / 1_000_000_000L) - 1);
            return decide(ps, op.value(), phase);
        }
    }

    @Override
    public JsonNode finalRead(Connection c) throws SQLException {
        ArrayNode ids = Json.array();
        ObjectNode writers = Json.object();
        forEachRow(c, "select id, port, timeline from chaos_writes order by id", rs -> {
            ids.add(rs.getLong(1));
            String w = "port " + rs.getInt(2) + " timeline " + rs.getInt(3);
            writers.put(w, writers.path(w).asLong(0) + 1);
        });
        ObjectNode v = Json.object();
        v.set("ids", ids);
        v.set("rows_by_writer", writers);
        return v;
    }

    @Override
    public List<Checker> checkers(History history) {
        return List.of(new SinglePrimaryChecker(writeFs()), new SetChecker(WRITE, Workload.syncReplication(history)),
                new AvailabilityChecker(writeFs()));
    }
}
