package io.raftpool.server.local;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.RestartDone;
import io.raftpool.server.postgres.StopMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * raftpool restart-node, on the node: a fast stop and a start of this standby, then RestartDone.
 * A new agent that finds the request still open restarts once more: one restart too many, never
 * one too few.
 */
record ServerRestart(OwnServer own, ParameterDuty parameters, Reports reports) {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRestart.class);

    void restart(ClusterState s, long requestedMs, boolean running) {
        if (s.getPrimary().getNodeId() == own.id()) {
            done(requestedMs, 0, "not restarted: it became the primary before its agent got to it");
            return;
        }
        if (!running) {
            done(requestedMs, 0, "not restarted: its server was not running");
            return;
        }
        long t0 = System.nanoTime();
        LOG.info("restarting PostgreSQL on request (raftpool restart-node {})", own.id());
        own.pg().stop(StopMode.FAST, OwnServer.STOP_TIMEOUT);
        own.pg().start(OwnServer.START_TIMEOUT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        parameters.checkSoon();
        done(requestedMs, ms, "restarted in " + ms + " ms (a fast stop and a start, as a standby)");
    }

    private void done(long requestedMs, long durationMs, String outcome) {
        LOG.info("restart-node {}: {}", own.id(), outcome);
        reports.submitOrThrow(Command.newBuilder().setRestartDone(RestartDone.newBuilder().setNodeId(own.id())
                .setRequestedMs(requestedMs).setDurationMs(durationMs).setOutcome(outcome)));
    }
}
