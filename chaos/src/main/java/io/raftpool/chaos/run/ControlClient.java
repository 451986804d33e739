package io.raftpool.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftpool.chaos.Progress;
import io.raftpool.chaos.history.HistoryRecorder;
import io.raftpool.chaos.history.Op;
import io.raftpool.chaos.history.OpType;
import io.raftpool.chaos.workload.Endpoints;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The control process's operations (setup, final read), each tried through one proxy after
 * another until it succeeds, and recorded in the history as the clients' are.
 */
record ControlClient(HistoryRecorder recorder, Endpoints endpoints, Progress progress) {
    static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(60);

    /** Runs operation {@code f}; fails when no proxy served it within {@link #CONTROL_TIMEOUT}. */
    void run(String f, SqlCall call) {
        long deadline = System.nanoTime() + CONTROL_TIMEOUT.toNanos();
        int attempt = 0;
        while (true) {
            Endpoints.Endpoint ep = endpoints.proxies().get(attempt++ % endpoints.proxies().size());
            Op inv = recorder.invoke(Op.CONTROL, f, null, ep.node());
            try (Connection c = DriverManager.getConnection(ep.jdbcUrl(), Endpoints.jdbcProperties("chaos-control"))) {
                JsonNode value = call.apply(c);
                int port;
                try (var rs = c.createStatement().executeQuery("select inet_server_port()")) {
                    rs.next();
                    port = rs.getInt(1);
                }
                recorder.complete(inv, OpType.OK, value, endpoints.nodeOfPort(port), -1, "");
                progress.line("control: " + f + " done through " + ep);
                return;
            } catch (SQLException e) {
                recorder.complete(inv, OpType.INFO, null, -1, -1, e.getSQLState() + " " + e.getMessage());
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(f + " failed through every proxy for " + CONTROL_TIMEOUT.toSeconds()
                            + " s; last error: " + e.getMessage());
                }
                pauseBriefly();
            }
        }
    }

    @FunctionalInterface
    interface SqlCall {
        JsonNode apply(Connection c) throws SQLException;
    }

    private static void pauseBriefly() {
        try {
            Thread.sleep(500); // retry pace of the control process
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
