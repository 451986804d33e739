package io.raftpool.server.state;

import static io.raftpool.server.state.EventLog.event;
import static io.raftpool.server.state.EventLog.withEvent;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.RequestRestart;
import io.raftpool.proto.RestartDone;
import java.util.Optional;

/**
 * raftpool restart-node: a restart of one standby's PostgreSQL, committed as a request that its
 * agent carries out and then reports done. One at a time, and only while the cluster is whole:
 * a restart must never be what leaves the primary without a standby to fail over to. The
 * primary is restarted by switching over first (restart --rolling). Pure.
 */
public final class ServerRestarts {
    private ServerRestarts() {}

    /** Why node {@code id}'s server may not be restarted now, if it may not. */
    public static Optional<String> refusal(ClusterState s, int id) {
        Optional<String> node = NodeRefusals.requireBackend(s, id);
        if (node.isPresent()) {
            return node;
        }
        if (s.getPrimary().getNodeId() == id) {
            return Optional.of("node " + id + " is the primary: restarting it in place would stop every write;"
                    + " run raftpool restart --rolling (it switches over first), or raftpool switchover and then"
                    + " restart-node " + id);
        }
        if (s.getPrimary().getPhase() != PrimaryPhase.ACTIVE) {
            return Optional.of("no active primary (phase " + s.getPrimary().getPhase() + "): wait until the"
                    + " failover or switchover under way has finished");
        }
        if (s.getRecoveriesCount() > 0) {
            return Optional.of("node " + s.getRecoveries(0).getNodeId() + " is being recovered: restart once it is up");
        }
        for (Backend b : s.getBackendsList()) {
            if (b.getRestartRequestedMs() > 0) {
                return Optional.of("a restart of node " + b.getNodeId() + " is under way: one server at a time");
            }
            if (b.getStatus() != BackendStatus.UP && !b.getDetached()) {
                return Optional.of("node " + b.getNodeId() + " is " + b.getStatus().name().toLowerCase(java.util.Locale.ROOT)
                        + ": restart a server only while every server is up");
            }
        }
        return Optional.empty();
    }

    static Optional<String> validateRequest(ClusterState s, RequestRestart r) {
        return refusal(s, r.getNodeId());
    }

    static ClusterState request(ClusterState s, RequestRestart r, long now) {
        int i = ClusterStates.indexOfBackend(s, r.getNodeId());
        ClusterState.Builder b = s.toBuilder();
        b.setBackends(i, b.getBackends(i).toBuilder().setRestartRequestedMs(now).setRestartRequestedBy(r.getBy()));
        return withEvent(b, event(now, "restart", r.getNodeId(), s.getPrimary().getEpoch(), "restart of node "
                + r.getNodeId() + " requested" + (r.getBy().isBlank() ? "" : " by " + r.getBy()))).build();
    }

    static Optional<String> validateDone(ClusterState s, RestartDone d) {
        Optional<String> node = NodeRefusals.requireBackend(s, d.getNodeId());
        if (node.isPresent()) {
            return node;
        }
        long requested = ClusterStates.backend(s, d.getNodeId()).orElseThrow().getRestartRequestedMs();
        return requested != 0 && requested == d.getRequestedMs() ? Optional.empty()
                : Optional.of("node " + d.getNodeId() + " has no restart request of " + d.getRequestedMs());
    }

    static ClusterState done(ClusterState s, RestartDone d, long now) {
        int i = ClusterStates.indexOfBackend(s, d.getNodeId());
        ClusterState.Builder b = s.toBuilder();
        b.setBackends(i, b.getBackends(i).toBuilder().setRestartRequestedMs(0).clearRestartRequestedBy());
        return withEvent(b, event(now, "restart", d.getNodeId(), s.getPrimary().getEpoch(), "node " + d.getNodeId()
                + ": " + d.getOutcome()).setDurationMs(d.getDurationMs())).build();
    }
}
