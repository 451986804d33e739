package io.raftpool.server.local;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.server.postgres.ProbeResult;
import io.raftpool.server.postgres.StopMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S2: a server that runs as primary against the committed state is stopped, and a failed-over
 * primary's data directory gets standby.signal pointing at the current primary: whoever starts
 * it by hand gets a read-only server, never a second primary.
 */
record StalePrimaryGuard(OwnServer own, LocalMemory memory) {
    private static final Logger LOG = LoggerFactory.getLogger(StalePrimaryGuard.class);

    void stop(ClusterState s, String why) {
        if (!confirmedPrimary()) {
            return;
        }
        LOG.warn("stopping PostgreSQL: {}; it must not take writes (it needs recovery-node)", why);
        own.pg().stop(StopMode.IMMEDIATE, OwnServer.STOP_TIMEOUT);
        protect(s);
    }

    void protect(ClusterState s) {
        int primary = s.getPrimary().getNodeId();
        if (primary >= 0 && primary != own.id() && own.pg().isInitialized()) {
            NodeInfo p = OwnServer.node(s, primary);
            own.pg().configureAsStandby(p.getHost(), p.getPgPort(), own.slot());
            LOG.info("data directory set to start as a standby of node {}: a manual start cannot make a second primary",
                    primary);
        }
        memory.protectedDataDir = true;
    }

    /**
     * The planner works from the latest probe, which may predate a restart: before stopping a
     * server for being a primary, ask it now. One still starting up takes no writes either.
     */
    private boolean confirmedPrimary() {
        ProbeResult now = own.probe();
        return now.reachable() && !now.inRecovery();
    }
}
