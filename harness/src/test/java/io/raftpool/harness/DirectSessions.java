package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.Event;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** A client that bypasses raftpool: a session straight to one server, writing until it is refused (S6 tests). */
final class DirectSessions {
    private DirectSessions() {}

    /** One insert the server acknowledged, and when. */
    record Ack(int id, long atMs) {}

    /** Inserts numbered rows into a table on one thread of its own until its session breaks or it is stopped. */
    static final class Writer implements AutoCloseable {
        final List<Ack> acks = new CopyOnWriteArrayList<>();
        final AtomicReference<SQLException> ended = new AtomicReference<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Connection connection;
        private final Thread thread;

        private Writer(Connection connection, String table) {
            this.connection = connection;
            this.thread = new Thread(() -> insertUntilRefused(table), "direct-writer");
        }

        /** A session straight to node {@code node}'s PostgreSQL, writing into {@code table} (which exists). */
        static Writer start(LocalCluster cluster, int node, String table) throws SQLException {
            Writer w = new Writer(DriverManager.getConnection(cluster.jdbcUrl(node) + "&socketTimeout=5"), table);
            w.thread.start();
            return w;
        }

        private void insertUntilRefused(String table) {
            try (Statement st = connection.createStatement()) {
                for (int id = 0; id < 100_000 && !stop.get(); id++) {
                    st.executeUpdate("insert into " + table + " values (" + id + ")");
                    acks.add(new Ack(id, System.currentTimeMillis()));
                }
            } catch (SQLException e) {
                ended.set(e);
            }
        }

        /** Asks it to stop after the insert in flight. */
        void halt() {
            stop.set(true);
        }

        /** Stops writing and waits for the last insert in flight. */
        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }

        @Override
        public void close() throws SQLException {
            stop.set(true);
            connection.close();
        }
    }

    /** When the (first) failover among {@code events} began, on the leader's wall clock. */
    static long failoverBegan(List<Event> events) {
        Optional<Event> begin = events.stream().filter(e -> e.getMessage().startsWith("failover begins")).findFirst();
        assertThat(begin).as("a failover began in this test").isPresent();
        return begin.get().getAtMs();
    }
}
