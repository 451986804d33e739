package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.Event;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** A client that bypasses raftpool: a session straight to one server, writing until it is refused (S6 tests). */
final class DirectSessions {
    private DirectSessions() {}

    /** One insert the server acknowledged, and when. */
    record Ack(int id, long atMs) {}

    /** Inserts numbered rows into {@code table} until the session breaks (recorded in {@code ended}) or {@code stop}. */
    static void insertUntilRefused(Connection c, String table, List<Ack> acks, AtomicReference<SQLException> ended,
                                   AtomicBoolean stop) {
        try (Statement st = c.createStatement()) {
            for (int id = 0; id < 100_000 && !stop.get(); id++) {
                st.executeUpdate("insert into " + table + " values (" + id + ")");
                acks.add(new Ack(id, System.currentTimeMillis()));
            }
        } catch (SQLException e) {
            ended.set(e);
        }
    }

    /** When the (first) failover among {@code events} began, on the leader's wall clock. */
    static long failoverBegan(List<Event> events) {
        Optional<Event> begin = events.stream().filter(e -> e.getMessage().startsWith("failover begins")).findFirst();
        assertThat(begin).as("a failover began in this test").isPresent();
        return begin.get().getAtMs();
    }
}
