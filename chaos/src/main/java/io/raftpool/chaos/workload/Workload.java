package io.raftpool.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftpool.chaos.checker.Checker;
import io.raftpool.chaos.history.History;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * What the clients do through the proxies, and how the result is judged. The database work
 * (setup, operations, final read) needs a connection; generating operations and choosing the
 * checkers are pure.
 */
public interface Workload {
    /** Every acknowledged write records its server and timeline through this SQL expression. */
    String TIMELINE_SQL = "('x' || substr(pg_walfile_name(pg_current_wal_insert_lsn()), 1, 8))::bit(32)::int";

    String name();

    /** Creates the tables (idempotent), through a connection to the primary. Returns what the history records. */
    JsonNode setup(Connection c, boolean syncReplication) throws SQLException;

    /** Client {@code client}'s next operation; {@code seq} counts its operations from 0. */
    Invocation next(int client, long seq, Random rnd);

    /** Carries out one operation; an exception is classified by the caller (with {@code phase}). */
    Applied apply(Connection c, Invocation op, Phase phase) throws SQLException;

    /** What is in the database at the end, as the history's final-read value. */
    JsonNode finalRead(Connection c) throws SQLException;

    /** The operations that write (for availability and the single-primary check). */
    Set<String> writeFs();

    /** The checkers for a history of this workload (its setup operation says what they need). */
    List<Checker> checkers(History history);

    static Workload byName(String name) {
        return switch (name) {
            case SetWorkload.NAME -> new SetWorkload();
            case BankWorkload.NAME -> new BankWorkload();
            case SinglePrimaryWorkload.NAME -> new SinglePrimaryWorkload();
            default -> throw new IllegalArgumentException("--workload: '" + name + "' is not a workload; allowed: "
                    + String.join(", ", names()));
        };
    }

    static List<String> names() {
        return List.of(SetWorkload.NAME, BankWorkload.NAME, SinglePrimaryWorkload.NAME);
    }

    /** Whether the history's setup says the cluster ran with synchronous replication. */
    static boolean syncReplication(History history) {
        return history.lastControl("setup").map(c -> c.completion().value().path("replication").asText(""))
                .orElse("").equals("sync");
    }
}
