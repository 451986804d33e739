package io.raftpool.server.local;

import io.raftpool.server.postgres.ProbeResult;
import io.raftpool.server.postgres.StopMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S6: a primary cut off from the Raft majority stops at once (immediate shutdown): it must take
 * no more writes once the others may have promoted another server.
 */
record Fencing(OwnServer own, LocalMemory memory) {
    private static final Logger LOG = LoggerFactory.getLogger(Fencing.class);

    void fence(String why) {
        if (confirmedStandby()) {
            return;
        }
        LOG.warn("FENCING: stopping this primary so that it takes no more writes: {}", why);
        own.pg().stop(StopMode.IMMEDIATE, OwnServer.STOP_TIMEOUT);
        memory.fenced = true;
    }

    /** Before fencing: a server that answers as a standby takes no writes. Unreachable counts as primary. */
    private boolean confirmedStandby() {
        ProbeResult now = own.probe();
        return now.reachable() && now.inRecovery();
    }
}
