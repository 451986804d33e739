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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Jepsen's set: clients insert unique ids; at the end every acknowledged id must be there and
 * nothing that was never added. Each row also records the server and timeline that took it.
 */
public final class SetWorkload implements Workload {
    public static final String NAME = "set";
    static final String ADD = "add";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JsonNode setup(Connection c, boolean syncReplication) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("create table if not exists chaos_set (id bigint primary key,"
                    + " port int not null default inet_server_port(), timeline int not null default " + TIMELINE_SQL + ")");
        }
        ObjectNode v = Json.object().put("workload", NAME).put("replication", syncReplication ? "sync" : "async");
        return v;
    }

    /** Ids are unique per client: (client + 1) * 10^9 + seq. */
    static long id(int client, long seq) {
        return (client + 1) * 1_000_000_000L + seq;
    }

    @Override
    public Invocation next(int client, long seq, Random rnd) {
        return new Invocation(ADD, Json.of(id(client, seq)));
    }

    @Override
    public Applied apply(Connection c, Invocation op, Phase phase) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into chaos_set (id) values (?) returning port, timeline")) {
            ps.setLong(1, op.value().asLong());
            phase.sendingDecidingRequest();
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Applied.ok(op.value(), rs.getInt(1), rs.getLong(2));
            }
        }
    }

    @Override
    public JsonNode finalRead(Connection c) throws SQLException {
        ArrayNode ids = Json.array();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id from chaos_set order by id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return Json.object().set("ids", ids);
    }

    @Override
    public Set<String> writeFs() {
        return Set.of(ADD);
    }

    @Override
    public List<Checker> checkers(History history) {
        return List.of(new SetChecker(ADD, Workload.syncReplication(history)), new SinglePrimaryChecker(writeFs()),
                new AvailabilityChecker(writeFs()));
    }
}
