package io.raftpool.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.chaos.checker.AvailabilityChecker;
import io.raftpool.chaos.checker.BankChecker;
import io.raftpool.chaos.checker.Checker;
import io.raftpool.chaos.checker.SinglePrimaryChecker;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;

/**
 * Jepsen's bank: transfers between a few accounts in SERIALIZABLE transactions (never below
 * zero); reads see every balance at once. Every read must sum to the starting total.
 */
public final class BankWorkload extends SqlWorkload {
    public static final String NAME = "bank";
    static final String TRANSFER = "transfer";
    static final String READ = "read";
    static final int ACCOUNTS = 5;
    static final long BALANCE = 100;
    static final int MAX_AMOUNT = 5;

    public BankWorkload() {
        super(NAME, TRANSFER, "create table if not exists chaos_bank (id int primary key, balance bigint not null)",
                "insert into chaos_bank (id, balance) select g, " + BALANCE + " from generate_series(0, "
                        + (ACCOUNTS - 1) + ") g on conflict (id) do nothing");
    }

    @Override
    ObjectNode describe(ObjectNode setup) {
        return setup.put("accounts", ACCOUNTS).put("balance", BALANCE);
    }

    @Override
    public Invocation next(int client, long seq, Random rnd) {
        if (rnd.nextInt(5) == 0) {
            return new Invocation(READ, null);
        }
        int from = rnd.nextInt(ACCOUNTS);
        int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        return new Invocation(TRANSFER, Json.object().put("from", from).put("to", to).put("amount", 1 + rnd.nextInt(MAX_AMOUNT)));
    }

    @Override
    public Applied apply(Connection c, Invocation op, Phase phase) throws SQLException {
        c.setAutoCommit(false);
        try {
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            return op.f().equals(READ) ? read(c, phase) : transfer(c, op.value(), phase);
        } finally {
            if (!c.isClosed()) {
                try {
                    c.rollback(); // after a commit there is nothing to roll back; after an error, the transaction ends
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the connection is broken; the caller throws it away
                }
            }
        }
    }

    private static Applied transfer(Connection c, JsonNode t, Phase phase) throws SQLException {
        int from = t.get("from").asInt();
        int to = t.get("to").asInt();
        long amount = t.get("amount").asLong();
        long balance;
        try (PreparedStatement ps = c.prepareStatement("select balance from chaos_bank where id = ?")) {
            ps.setInt(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                balance = rs.getLong(1);
            }
        }
        if (balance < amount) {
            return Applied.fail("insufficient funds: account " + from + " has " + balance + ", transfer of " + amount);
        }
        try (PreparedStatement ps = c.prepareStatement("update chaos_bank set balance = balance + ? where id = ?")) {
            // the lower account first: transfers never wait for each other in a cycle (no deadlock, no 1 s stall)
            for (int account : new int[] {Math.min(from, to), Math.max(from, to)}) {
                ps.setLong(1, account == from ? -amount : amount);
                ps.setInt(2, account);
                ps.executeUpdate();
            }
        }
        Server at = server(c, TIMELINE_SQL);
        phase.sendingDecidingRequest();
        c.commit();
        return at.ok(t);
    }

    private static Applied read(Connection c, Phase phase) throws SQLException {
        ObjectNode balances = balances(c);
        // pg_walfile_name() cannot run during recovery: a read a standby served records no timeline
        Server at = server(c, "case when pg_is_in_recovery() then -1 else " + TIMELINE_SQL + " end");
        phase.sendingDecidingRequest();
        c.commit();
        return at.ok(Json.object().set("balances", balances));
    }

    @Override
    public JsonNode finalRead(Connection c) throws SQLException {
        return Json.object().set("balances", balances(c));
    }

    private static ObjectNode balances(Connection c) throws SQLException {
        ObjectNode balances = Json.object();
        forEachRow(c, "select id, balance from chaos_bank order by id",
                rs -> balances.put(Integer.toString(rs.getInt(1)), rs.getLong(2)));
        return balances;
    }

    @Override
    public List<Checker> checkers(History history) {
        return List.of(new BankChecker(), new SinglePrimaryChecker(writeFs()), new AvailabilityChecker(writeFs()));
    }
}
