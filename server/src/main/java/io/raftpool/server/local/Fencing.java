package io.raftpool.server.local;

import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.server.health.ObserverView;
import io.raftpool.server.postgres.ProbeResult;
import io.raftpool.server.postgres.ServerProcesses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S6: the fence is a kill of every process of the server (ServerProcesses), never a shutdown,
 * which would wait on the very sessions it must stop, and which a hung postmaster never carries
 * out. Two rules fire it: a primary cut off from the Raft majority, and a committed primary that
 * runs but does not answer its own agent (unreachable is not dead).
 */
record Fencing(OwnServer own, LocalMemory memory, ServerProcesses processes, Reports reports) {
    private static final Logger LOG = LoggerFactory.getLogger(Fencing.class);

    /** Cut off from the majority; started again if contact returns and it is still the primary. */
    void fence(String why) {
        if (confirmedStandby()) {
            return;
        }
        LOG.warn("FENCING: killing this primary so that it takes no more writes: {}", why);
        int killed = processes.killAll(OwnServer.STOP_TIMEOUT);
        LOG.warn("FENCING: {} process(es) of PostgreSQL killed, none remains", killed);
        memory.fenced = true;
    }

    /**
     * Runs but fails its probes past the retries: killed, and not started again by this agent
     * (the leader fails over once this agent reports it gone; with no candidate, an operator
     * decides). The committed event says which rule fired.
     */
    void killUnresponsive(String why, ObserverView view, long epoch) {
        LOG.warn("FENCING: killing PostgreSQL: {} ({} probes in a row failed: {})", why, view.failuresInRow(),
                view.detail());
        int killed = processes.killAll(OwnServer.STOP_TIMEOUT);
        reports.submit(Command.newBuilder().setAppendEvent(AppendEvent.newBuilder().setEvent(Event.newBuilder()
                .setKind("fence").setNodeId(own.id()).setEpoch(epoch)
                .setMessage("node " + own.id() + "'s agent killed its PostgreSQL (" + killed + " processes, none remains): "
                        + why + " after " + view.failuresInRow() + " failed probes (" + view.detail()
                        + "); unreachable is not dead, so no standby was promoted before this"))));
    }

    /** Before fencing: a server that answers as a standby takes no writes. Unreachable counts as primary. */
    private boolean confirmedStandby() {
        ProbeResult now = own.probe();
        return now.reachable() && now.inRecovery();
    }
}
