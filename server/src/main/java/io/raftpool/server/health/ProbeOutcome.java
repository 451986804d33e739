package io.raftpool.server.health;

/**
 * What one probe of one PostgreSQL server found, reduced to what health decisions need.
 * {@code running} is the own agent's certain knowledge of the postmaster process: TRUE/FALSE
 * on the server's own node, UNKNOWN when probing another node's server.
 */
public record ProbeOutcome(
        boolean reachable,
        String error,
        Running running,
        boolean inRecovery,
        long timeline,
        long walLsn,
        boolean streaming) {

    public enum Running { TRUE, FALSE, UNKNOWN }

    public static ProbeOutcome notRunning() {
        return new ProbeOutcome(false, "postmaster is not running", Running.FALSE, false, 0, 0, false);
    }

    public static ProbeOutcome unreachable(String error, Running running) {
        return new ProbeOutcome(false, error, running, false, 0, 0, false);
    }

    public static ProbeOutcome primary(long timeline, long walLsn) {
        return new ProbeOutcome(true, "", Running.UNKNOWN, false, timeline, walLsn, false);
    }

    public static ProbeOutcome standby(long timeline, long walLsn, boolean streaming) {
        return new ProbeOutcome(true, "", Running.UNKNOWN, true, timeline, walLsn, streaming);
    }

    public ProbeOutcome withRunning(Running r) {
        return new ProbeOutcome(reachable, error, r, inRecovery, timeline, walLsn, streaming);
    }
}
