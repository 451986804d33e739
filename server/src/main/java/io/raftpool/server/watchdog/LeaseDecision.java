package io.raftpool.server.watchdog;

import java.util.Optional;

/**
 * The lease the agent gives its watchdog on each round, as a pure function of what it knows.
 * Armed while its server is, or is about to become, a primary; its end is the agent's own
 * fencing deadline (the start of its last confirmed majority contact plus {@code fence_timeout}),
 * which the leader's wait before promoting (from when it last heard from this agent, plus
 * {@code fence_grace}) always outlasts. A new agent never moves an inherited deadline later
 * before it has contact of its own: the leader counts on that deadline.
 */
public final class LeaseDecision {
    private LeaseDecision() {}

    /**
     * @param primaryNow        the server runs as a primary, or runs with its role unknown while the
     *                          lease was armed (unreachable counts as primary)
     * @param becomingPrimary   the action about to run makes it one (promote, start as primary, init)
     * @param confirmedAtNanos  start of the last confirmed majority contact; empty when never confirmed
     * @param firstBeatNanos    when this agent first asked for contact
     */
    public static Lease next(Lease current, boolean primaryNow, boolean becomingPrimary,
                             Optional<Long> confirmedAtNanos, long firstBeatNanos, long fenceTimeoutNanos, long agentPid) {
        if (!primaryNow && !becomingPrimary) {
            return Lease.disarmed(agentPid);
        }
        if (confirmedAtNanos.isPresent()) {
            return Lease.armedUntil(confirmedAtNanos.get() + fenceTimeoutNanos, agentPid);
        }
        if (current.armed()) {
            return Lease.armedUntil(current.deadlineNanos(), agentPid);
        }
        return Lease.armedUntil(firstBeatNanos + fenceTimeoutNanos, agentPid);
    }
}
