package io.raftpool.server.agent;

import io.raftpool.server.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * How far behind this standby's replay is in time, for /replica?lag=10s: 0 when it has replayed
 * all it received, else how long ago the last replayed transaction was committed; -1 when
 * unknown. Asked of the server at most twice a second, however often a load balancer checks.
 */
final class ReplayDelay {
    private static final long CACHE_NANOS = 500_000_000L;
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final PostgresServer server;
    private long askedAt = Long.MIN_VALUE;
    private long value = -1;

    ReplayDelay(PostgresServer server) {
        this.server = server;
    }

    synchronized long ms() {
        long now = System.nanoTime();
        if (askedAt != Long.MIN_VALUE && now - askedAt < CACHE_NANOS) {
            return value;
        }
        askedAt = now;
        try (Connection c = server.connect(TIMEOUT); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select case when not pg_is_in_recovery() then null"
                     + " when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0"
                     + " else greatest(0, extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::bigint end")) {
            rs.next();
            long ms = rs.getLong(1);
            value = rs.wasNull() ? -1 : ms;
        } catch (SQLException | RuntimeException e) {
            value = -1;
        }
        return value;
    }
}
