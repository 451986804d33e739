package io.raftpool.server.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * This server's superuser: new connections to this server, and to another server of the
 * cluster (the primary it copies or follows), where raftpool's superuser is the same.
 */
record Superuser(ServerSettings settings) {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** A probe of this server over a new connection; never throws. */
    ProbeResult probe(Duration timeout) {
        return PgProbe.probe(settings.superuserEndpoint(), timeout);
    }

    /** A new connection to this server; the caller closes it. */
    Connection connect(Duration timeout) {
        return PgProbe.connect(settings.superuserEndpoint(), timeout);
    }

    /** This server's current timeline (see {@link PgProbe#timeline(Connection)}). */
    int timeline(Duration timeout) {
        try (Connection c = connect(timeout)) {
            return PgProbe.timeline(c);
        } catch (SQLException e) {
            throw new PostgresException("cannot read the timeline of " + settings.address() + ": " + e.getMessage(), e);
        }
    }

    /** The superuser on another server of the cluster. */
    PgEndpoint at(String host, int port) {
        return new PgEndpoint(host, port, settings.superuser(), settings.superuserPassword(), "postgres");
    }
}
