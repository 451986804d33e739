package io.raftpool.server.health;

import io.raftpool.proto.BackendRole;
import io.raftpool.proto.Health;
import io.raftpool.server.postgres.ProbeResult;

/**
 * One agent's current opinion of one PostgreSQL server: health after retries, role, and the
 * count of failed probes in a row. A value; {@link HealthTracker} computes the next one.
 */
public record ObserverView(Health health, BackendRole role, boolean streaming, long timeline, long walLsn,
                           int failuresInRow, String detail) {
    public static final ObserverView INITIAL =
            new ObserverView(Health.HEALTH_UNKNOWN, BackendRole.ROLE_UNKNOWN, false, 0, 0, 0, "not probed yet");

    /**
     * Unreachable past the retries with no answer at all: timeouts (a hung postmaster) or refused
     * connections (a killed one). A server that answers with an error ("the database system is
     * starting up", "too many clients") runs; it is not hung, and must not be killed as if it were.
     */
    public boolean unanswering() {
        return health == Health.UNREACHABLE && ProbeResult.noAnswer(detail);
    }
}
