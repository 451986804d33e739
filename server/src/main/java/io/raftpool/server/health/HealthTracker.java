package io.raftpool.server.health;

import io.raftpool.proto.BackendRole;
import io.raftpool.proto.Health;
import io.raftpool.proto.Observation;

/**
 * Turns probe outcomes into an observer's opinion. One failed probe is not a failure: a
 * server becomes UNREACHABLE only after {@code retries + 1} failures in a row (a DNS hiccup or a
 * dropped packet must not start a failover). The own agent's "no postmaster process" is
 * certain and counts at once. Pure functions.
 */
public final class HealthTracker {
    private HealthTracker() {}

    public static ObserverView next(ObserverView previous, ProbeOutcome probe, int retries) {
        if (probe.running() == ProbeOutcome.Running.FALSE) {
            return new ObserverView(Health.NOT_RUNNING, previous.role(), false, previous.timeline(),
                    previous.walLsn(), previous.failuresInRow() + 1, probe.error());
        }
        if (!probe.reachable()) {
            int failures = previous.failuresInRow() + 1;
            boolean confirmed = failures > retries;
            Health health = confirmed ? Health.UNREACHABLE
                    : previous.health() == Health.NOT_RUNNING ? Health.HEALTH_UNKNOWN : previous.health();
            return new ObserverView(health, previous.role(), confirmed ? false : previous.streaming(),
                    previous.timeline(), previous.walLsn(), failures, probe.error());
        }
        BackendRole role = probe.inRecovery() ? BackendRole.STANDBY : BackendRole.PRIMARY;
        return new ObserverView(Health.HEALTHY, role, probe.streaming(), probe.timeline(), probe.walLsn(), 0,
                role == BackendRole.PRIMARY ? "running as primary"
                        : probe.streaming() ? "streaming standby" : "standby, not streaming");
    }

    /**
     * Whether the view differs from what this observer last committed in a way the cluster
     * must know: health, role, streaming or timeline. WAL positions alone are reported only by
     * the server's own agent, and at most every lag-report interval.
     */
    public static boolean differs(Observation committed, ObserverView view) {
        return committed == null
                || committed.getHealth() != view.health()
                || (view.health() == Health.HEALTHY && (committed.getRole() != view.role()
                        || committed.getStreaming() != view.streaming()
                        || committed.getTimeline() != view.timeline()));
    }

    public static Observation toObservation(int observer, int subject, ObserverView view, long lagBytes, long nowMs) {
        return Observation.newBuilder()
                .setObserver(observer)
                .setSubject(subject)
                .setHealth(view.health())
                .setRole(view.role())
                .setTimeline(view.timeline())
                .setStreaming(view.streaming())
                .setWalLsn(view.walLsn())
                .setLagBytes(lagBytes)
                .setDetail(view.detail())
                .setAtMs(nowMs)
                .build();
    }
}
