package io.raftpool.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * Jepsen's set: clients insert unique ids; at the end every acknowledged id must be there and
 * nothing that was never added. Each row also records the server and timeline that took it.
 */
public final class SetWorkload extends SqlWorkload {
    public static final String NAME = "set";
    static final String ADD = "add";

    public SetWorkload() {
        super(NAME, ADD, "create table if not exists chaos_set (id bigint primary key, " + SERVER_COLUMNS + ")");
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
            return decide(ps, op.value(), phase);
        }
    }

    @Override
    public JsonNode finalRead(Connection c) throws SQLException {
        ArrayNode ids = Json.array();
        forEachRow(c, "select id from chaos_set order by id", rs -> ids.add(rs.getLong(1)));
        return Json.object().set("ids", ids);
    }

    @Override
    public List<Checker> checkers(History history) {
        return List.of(new SetChecker(ADD, Workload.syncReplication(history)), new SinglePrimaryChecker(writeFs()),
                new AvailabilityChecker(writeFs()));
    }
}
