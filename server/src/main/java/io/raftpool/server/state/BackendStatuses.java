package io.raftpool.server.state;

import static io.raftpool.server.state.EventLog.event;
import static io.raftpool.server.state.EventLog.withEvent;

import io.raftpool.proto.AgentAway;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Health;
import io.raftpool.proto.MarkBackend;
import io.raftpool.proto.Observation;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.SetDetached;
import java.util.Optional;

/**
 * What is committed about each PostgreSQL server apart from a change of primary or a
 * recovery: the agents' observations of it, its status and role, and its detached and
 * needs-recovery flags. Pure, like {@link Transitions}.
 */
final class BackendStatuses {
    private BackendStatuses() {}

    static Optional<String> validateReport(ClusterState state, Observation o) {
        return NodeRefusals.requireNode(state, o.getObserver(), "observer")
                .or(() -> NodeRefusals.requireBackend(state, o.getSubject()));
    }

    /**
     * Records an observation. The server's own agent also carries the details only it knows
     * (WAL position, lag, replication state) onto the backend. The first primary becomes
     * active when its own agent sees it running as primary.
     */
    static ClusterState report(ClusterState state, Observation o) {
        ClusterState.Builder b = state.toBuilder();
        int existing = ClusterStates.indexOfObservation(state, o.getObserver(), o.getSubject());
        if (o.getObserver() == o.getSubject() && o.getSubject() == state.getPrimary().getNodeId()
                && o.getAtMs() < state.getPrimary().getRestartedMs()) {
            // seen before its own agent started it again (RestartPrimary, on the same agent's
            // clock): a "not running" in flight across the restart must not count (S6)
            return state;
        }
        if (existing >= 0) {
            b.setObservations(existing, o);
        } else {
            b.addObservations(o);
        }
        if (o.getObserver() != o.getSubject()) {
            return b.build();
        }
        int i = ClusterStates.indexOfBackend(state, o.getSubject());
        Backend.Builder backend = b.getBackends(i).toBuilder();
        if (o.getHealth() == Health.HEALTHY) {
            backend.setTimeline(o.getTimeline())
                    .setWalLsn(o.getWalLsn())
                    .setLagBytes(o.getLagBytes())
                    .setReplicationState(o.getStreaming() ? "streaming" : "")
                    .setWalReportedMs(o.getAtMs());
        }
        b.setBackends(i, backend);
        Primary p = state.getPrimary();
        if (p.getPhase() == PrimaryPhase.BOOTSTRAPPING && p.getNodeId() == o.getSubject()
                && o.getHealth() == Health.HEALTHY && o.getRole() == BackendRole.PRIMARY) {
            b.setPrimary(p.toBuilder().setPhase(PrimaryPhase.ACTIVE).setSinceMs(o.getAtMs()));
            b.setBackends(i, backend.setStatus(BackendStatus.UP).setRole(BackendRole.PRIMARY)
                    .setStatusChangedMs(o.getAtMs()).setStatusReason("bootstrapped as the first primary"));
            withEvent(b, event(o.getAtMs(), "bootstrap", o.getSubject(), p.getEpoch(),
                    "node " + o.getSubject() + " is up as the first primary (timeline " + o.getTimeline() + ")"));
        }
        return b.build();
    }

    static ClusterState mark(ClusterState state, MarkBackend m, long now) {
        int i = ClusterStates.indexOfBackend(state, m.getNodeId());
        Backend old = state.getBackends(i);
        Backend.Builder backend = old.toBuilder();
        boolean statusChanged = old.getStatus() != m.getStatus();
        boolean roleChanged = m.getRole() != BackendRole.ROLE_UNKNOWN && m.getRole() != old.getRole();
        if (!statusChanged && !roleChanged) {
            return state;
        }
        if (statusChanged) {
            backend.setStatus(m.getStatus()).setStatusChangedMs(now).setStatusReason(m.getReason());
            if (m.getStatus() == BackendStatus.UP) {
                backend.setRejoin(false);
            }
        }
        if (roleChanged) {
            backend.setRole(m.getRole()).setRoleChangedMs(now);
        }
        ClusterState.Builder b = state.toBuilder().setBackends(i, backend);
        String what = "node " + m.getNodeId() + " is " + ClusterStates.statusName(m.getStatus())
                + (roleChanged ? " (" + ClusterStates.roleName(m.getRole()) + ")" : "") + ": " + m.getReason();
        return withEvent(b, event(now, "status", m.getNodeId(), state.getPrimary().getEpoch(), what)).build();
    }

    static ClusterState setDetached(ClusterState state, SetDetached d, long now) {
        int i = ClusterStates.indexOfBackend(state, d.getNodeId());
        if (state.getBackends(i).getDetached() == d.getDetached()) {
            return state;
        }
        ClusterState.Builder b = state.toBuilder();
        b.setBackends(i, b.getBackends(i).toBuilder().setDetached(d.getDetached()));
        return withEvent(b, event(now, d.getDetached() ? "detach" : "attach", d.getNodeId(),
                state.getPrimary().getEpoch(), "node " + d.getNodeId() + (d.getDetached() ? " detached" : " attached")
                        + ": " + d.getReason())).build();
    }

    static ClusterState clearNeedsRecovery(ClusterState state, int nodeId, String reason, long now) {
        int i = ClusterStates.indexOfBackend(state, nodeId);
        if (!state.getBackends(i).getNeedsRecovery()) {
            return state;
        }
        ClusterState.Builder b = state.toBuilder();
        b.setBackends(i, b.getBackends(i).toBuilder().setNeedsRecovery(false));
        return withEvent(b, event(now, "recovery", nodeId, state.getPrimary().getEpoch(),
                "node " + nodeId + " no longer needs recovery: " + reason)).build();
    }

    /** A primary's agent stopping for a restart opens a window (the leader waits it out); back, it closes it. */
    static ClusterState agentAway(ClusterState state, AgentAway a, long now) {
        int i = ClusterStates.indexOfBackend(state, a.getNodeId());
        Backend current = state.getBackends(i);
        if (a.getWindowMs() <= 0 && current.getAgentAwayMs() == 0) {
            return state;
        }
        ClusterState.Builder b = state.toBuilder();
        b.setBackends(i, current.toBuilder().setAgentAwayMs(Math.max(0, a.getWindowMs()))
                .setAgentAwayIssuedMs(a.getWindowMs() > 0 ? now : 0));
        String message = a.getWindowMs() > 0
                ? "node " + a.getNodeId() + "'s agent stops for a restart; its server stays up, fenced by its watchdog"
                        + " within " + a.getWindowMs() + " ms, and no other server is promoted before then"
                : "node " + a.getNodeId() + "'s agent is back; its restart window is closed";
        return withEvent(b, event(now, "agent", a.getNodeId(), state.getPrimary().getEpoch(), message)).build();
    }
}
