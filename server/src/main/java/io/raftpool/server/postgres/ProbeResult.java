package io.raftpool.server.postgres;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one probe of a PostgreSQL server saw. LSNs are byte positions in the WAL (0 = unknown,
 * as PostgreSQL's own invalid LSN); a timeline of 0 is unknown too.
 *
 * @param error       why the server was not reachable, short: "connection refused",
 *                    "timeout after 1000ms", the server's error message
 * @param walLsn      on a primary its current write position, on a standby the last position
 *                    received (or replayed, when it has not streamed yet)
 * @param replayLsn   on a standby the last position replayed; on a primary equal to walLsn
 * @param walReceiver a standby's WAL receiver, when it has one running
 * @param replicas    a primary's pg_stat_replication rows
 * @param syncStandbyNames a primary's synchronous_standby_names as a new session reads it
 */
public record ProbeResult(
        boolean reachable,
        Optional<String> error,
        Duration elapsed,
        boolean inRecovery,
        int timeline,
        long walLsn,
        long replayLsn,
        Optional<WalReceiver> walReceiver,
        List<Replica> replicas,
        String syncStandbyNames) {

    public ProbeResult {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(walReceiver, "walReceiver");
        replicas = List.copyOf(replicas);
        Objects.requireNonNull(syncStandbyNames, "syncStandbyNames");
    }

    /**
     * Whether a failed probe's error says the server gave no answer at all (a timeout, a refused
     * connection), rather than answering with an error of its own ("the database system is
     * starting up"). The words are {@link ProbeErrors}'.
     */
    public static boolean noAnswer(String error) {
        return error.startsWith(ProbeErrors.TIMEOUT) || error.equals(ProbeErrors.REFUSED);
    }

    public static ProbeResult unreachable(String error, Duration elapsed) {
        return new ProbeResult(false, Optional.of(error), elapsed, false, 0, 0, 0, Optional.empty(), List.of(), "");
    }

    /** A standby whose WAL receiver streams from its primary. */
    public boolean streaming() {
        return inRecovery && walReceiver.map(r -> r.status().equals("streaming")).orElse(false);
    }

    /** A row of pg_stat_wal_receiver. */
    public record WalReceiver(String status, int receivedTimeline, Optional<String> senderHost, int senderPort) {}

    /**
     * A row of pg_stat_replication: a standby (or pg_basebackup) fed by this primary.
     *
     * @param replayLagBytes how far the standby's replay is behind this primary's current position
     * @param flushLsn       the last position the standby reported flushed to its disk (0: none yet)
     */
    public record Replica(String applicationName, Optional<String> clientAddr, String state, String syncState,
                          OptionalLong replayLagBytes, long flushLsn) {}
}
