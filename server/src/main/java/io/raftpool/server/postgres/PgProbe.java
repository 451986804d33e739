package io.raftpool.server.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Connections to any PostgreSQL server, this node's or another's, with a hard deadline.
 *
 * <p>pgjdbc counts its timeouts in whole seconds, so each attempt runs on a worker thread and
 * the caller stops waiting at its own deadline; the worker's socket is then aborted (or, if it
 * was still connecting, closed as soon as it connects: pgjdbc's own timeouts, rounded up,
 * bound that).
 *
 * <p>A probe opens a new connection every time, as pgpool's health check does: that also
 * proves the server still accepts new connections.
 */
public final class PgProbe {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pg-connect-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

    private PgProbe() {
    }

    public static ProbeResult probe(String host, int port, String user, Optional<Password> password, Duration timeout) {
        return probe(PgEndpoint.of(host, port, user, password), timeout);
    }

    /** Never throws: an unreachable server is an answer, with the reason in {@link ProbeResult#error()}. */
    public static ProbeResult probe(PgEndpoint endpoint, Duration timeout) {
        long start = System.nanoTime();
        Attempt<ProbeResult> attempt = new Attempt<>();
        Future<ProbeResult> future = WORKERS.submit(() -> {
            Connection c = open(endpoint, timeout, true);
            if (!attempt.adopt(c)) {
                return null;
            }
            try (c) {
                return read(c, Duration.ofNanos(System.nanoTime() - start));
            }
        });
        try {
            ProbeResult result = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return withElapsed(result, Duration.ofNanos(System.nanoTime() - start));
        } catch (TimeoutException e) {
            attempt.abandon();
            future.cancel(true);
            return ProbeResult.unreachable(ProbeErrors.timeout(timeout), Duration.ofNanos(System.nanoTime() - start));
        } catch (ExecutionException e) {
            return ProbeResult.unreachable(ProbeErrors.describe(e.getCause(), timeout),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            attempt.abandon();
            Thread.currentThread().interrupt();
            return ProbeResult.unreachable("interrupted", Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * A new connection, made within {@code timeout} or not at all. Queries on it have no
     * timeout of their own (a promotion may wait): set one per statement where needed.
     *
     * @throws PostgresException naming the server, the user and why
     */
    public static Connection connect(PgEndpoint endpoint, Duration timeout) {
        Attempt<Connection> attempt = new Attempt<>();
        Future<Connection> future = WORKERS.submit(() -> {
            Connection c = open(endpoint, timeout, false);
            return attempt.adopt(c) ? c : null;
        });
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            attempt.abandon();
            future.cancel(true);
            throw new PostgresException("cannot connect to " + endpoint + ": " + ProbeErrors.timeout(timeout));
        } catch (ExecutionException e) {
            throw new PostgresException("cannot connect to " + endpoint + ": "
                    + ProbeErrors.describe(e.getCause(), timeout), e.getCause());
        } catch (InterruptedException e) {
            attempt.abandon();
            Thread.currentThread().interrupt();
            throw new PostgresException("interrupted while connecting to " + endpoint, e);
        }
    }

    /**
     * The server's current timeline. On a primary it is read from the WAL being written, since
     * pg_control_checkpoint() lags after a promotion until the next checkpoint; on a standby it
     * is the timeline its WAL receiver gets, or else that of its last restartpoint.
     */
    public static int timeline(Connection c) throws SQLException {
        if (inRecovery(c)) {
            return single(c, "SELECT coalesce((SELECT received_tli FROM pg_stat_wal_receiver),"
                    + " (SELECT timeline_id FROM pg_control_checkpoint()))", rs -> rs.getInt(1));
        }
        return single(c, "SELECT pg_walfile_name(pg_current_wal_lsn())", rs -> timelineOfWalFile(rs.getString(1)));
    }

    /** The timeline a WAL file name starts with: "00000002000000000000000A" is on timeline 2. */
    static int timelineOfWalFile(String walFileName) {
        if (walFileName == null || walFileName.length() != 24) {
            throw new IllegalArgumentException("'" + walFileName + "' is not a WAL file name (24 hex digits)");
        }
        return Integer.parseUnsignedInt(walFileName.substring(0, 8), 16);
    }

    static boolean inRecovery(Connection c) throws SQLException {
        return single(c, "SELECT pg_is_in_recovery()", rs -> rs.getBoolean(1));
    }

    /** The first row of a query that always returns one. */
    static <T> T single(Connection c, String sql, Row<T> row) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return row.read(rs);
        }
    }

    private record PrimaryFacts(long lsn, String syncStandbyNames) {}

    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Reads a probe's facts from an open connection. */
    static ProbeResult read(Connection c, Duration elapsed) throws SQLException {
        boolean recovery = inRecovery(c);
        int timeline = timeline(c);
        if (recovery) {
            long[] lsns = single(c, "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0'),"
                    + " pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')", rs -> new long[] {rs.getLong(1), rs.getLong(2)});
            long received = lsns[0];
            long replayed = lsns[1];
            Optional<ProbeResult.WalReceiver> receiver = Optional.empty();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT status, received_tli, sender_host, sender_port"
                         + " FROM pg_stat_wal_receiver")) {
                if (rs.next()) {
                    receiver = Optional.of(new ProbeResult.WalReceiver(rs.getString(1), rs.getInt(2),
                            Optional.ofNullable(rs.getString(3)), rs.getInt(4)));
                }
            }
            return new ProbeResult(true, Optional.empty(), elapsed, true, timeline,
                    received != 0 ? received : replayed, replayed, receiver, List.of(), "");
        }
        // one round trip for both: this runs in every health probe of the primary
        PrimaryFacts primary = single(c, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0'),"
                + " current_setting('synchronous_standby_names')", rs -> new PrimaryFacts(rs.getLong(1), rs.getString(2)));
        long current = primary.lsn();
        List<ProbeResult.Replica> replicas = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT application_name, host(client_addr), state, sync_state,"
                     + " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn),"
                     + " coalesce(pg_wal_lsn_diff(flush_lsn, '0/0'), 0)"
                     + " FROM pg_stat_replication ORDER BY application_name, pid")) {
            while (rs.next()) {
                long lag = rs.getLong(5);
                OptionalLong replayLag = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(lag);
                replicas.add(new ProbeResult.Replica(rs.getString(1), Optional.ofNullable(rs.getString(2)),
                        rs.getString(3), rs.getString(4), replayLag, rs.getLong(6)));
            }
        }
        return new ProbeResult(true, Optional.empty(), elapsed, false, timeline, current, current, Optional.empty(),
                replicas, primary.syncStandbyNames());
    }

    /**
     * Opens a connection whose every read is bounded while logging in, so that a worker the
     * caller gave up on is freed soon after; {@code boundQueries} keeps that bound afterwards.
     */
    private static Connection open(PgEndpoint endpoint, Duration timeout, boolean boundQueries) throws SQLException {
        int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        Properties props = new Properties();
        props.setProperty("user", endpoint.user());
        endpoint.password().ifPresent(p -> props.setProperty("password", p.value()));
        props.setProperty("connectTimeout", Integer.toString(seconds));
        props.setProperty("socketTimeout", Integer.toString(seconds + 1));
        props.setProperty("ApplicationName", "raftpool");
        Connection c = DRIVER.connect(endpoint.jdbcUrl(), props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept " + endpoint.jdbcUrl());
        }
        if (!boundQueries) {
            c.setNetworkTimeout(Runnable::run, 0);
        }
        return c;
    }

    private static ProbeResult withElapsed(ProbeResult r, Duration elapsed) {
        return new ProbeResult(r.reachable(), r.error(), elapsed, r.inRecovery(), r.timeline(), r.walLsn(),
                r.replayLsn(), r.walReceiver(), r.replicas(), r.syncStandbyNames());
    }

    /**
     * One connection attempt that the caller may give up on. Whichever of the two sides comes
     * second closes the connection: the caller if the worker already has it, the worker if
     * the caller has already left.
     */
    private static final class Attempt<T> {
        private final AtomicReference<Connection> connection = new AtomicReference<>();
        private final AtomicBoolean abandoned = new AtomicBoolean();

        boolean adopt(Connection c) {
            connection.set(c);
            if (abandoned.get()) {
                closeQuietly(c);
                return false;
            }
            return true;
        }

        void abandon() {
            abandoned.set(true);
            Connection c = connection.get();
            if (c != null) {
                try {
                    // abort closes the socket at once; close() would wait for the query holding the connection.
                    c.abort(Runnable::run);
                } catch (SQLException | RuntimeException e) {
                    closeQuietly(c);
                }
            }
        }

        private static void closeQuietly(Connection c) {
            try {
                c.close();
            } catch (SQLException | RuntimeException ignored) {
                // already broken: nothing more to release
            }
        }
    }
}
