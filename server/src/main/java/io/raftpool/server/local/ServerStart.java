package io.raftpool.server.local;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.RestartPrimary;
import io.raftpool.proto.NodeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts this server as the committed state says: bootstraps the first primary, starts it as
 * the primary (at agent start, or after fencing once contact is back) or as a standby of the
 * primary; or records that at agent start there was nothing to start.
 */
record ServerStart(OwnServer own, LocalMemory memory, PeerSlots slots, Reports reports) {
    private static final Logger LOG = LoggerFactory.getLogger(ServerStart.class);

    void initPrimary(ClusterState s) {
        LOG.info("bootstrapping the first primary in {}", own.self().requirePostgres().dataDir());
        own.pg().initPrimary(OwnServer.START_TIMEOUT);
        slots.ensure(s);
        memory.startupReconciled = true;
    }

    /**
     * The first primary was running when this agent started (a pair raftpool adopts, which the
     * leader checked first): raftpool's files are written and read, the replication role and the
     * standbys' slots made. Nothing is restarted; what needs a restart shows as pending.
     */
    void adoptPrimary(ClusterState s) {
        LOG.info("taking over the running primary in {}", own.self().requirePostgres().dataDir());
        own.pg().configureAsPrimary();
        own.pg().ensureReplicationRole(OwnServer.START_TIMEOUT);
        slots.ensure(s);
        memory.startupReconciled = true;
    }

    /**
     * First commits the restart (S6): refused once a failover has begun, and voiding one the
     * leader decided on this server's "not running" before; only then starts it.
     */
    void asPrimary(ClusterState s, String why) {
        reports.submitOrThrow(Command.newBuilder().setRestartPrimary(RestartPrimary.newBuilder().setNodeId(own.id())
                .setEpoch(s.getPrimary().getEpoch())));
        LOG.info("starting PostgreSQL as primary: {}", why);
        own.pg().configureAsPrimary();
        own.pg().start(OwnServer.START_TIMEOUT);
        slots.ensure(s);
        memory.fenced = false;
        memory.startupReconciled = true;
    }

    void asStandby(ClusterState s, int primaryId) {
        NodeInfo primary = OwnServer.node(s, primaryId);
        LOG.info("starting PostgreSQL as a standby of node {} ({}:{})", primary.getId(), primary.getHost(),
                primary.getPgPort());
        own.pg().configureAsStandby(primary.getHost(), primary.getPgPort(), own.slot());
        memory.startupReconciled = true;
        own.pg().start(OwnServer.START_TIMEOUT);
    }

    void nothingToStart(String why) {
        LOG.info("agent start: {}", why);
        memory.startupReconciled = true;
    }
}
