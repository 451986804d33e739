package io.raftpool.server.leader;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Health;
import io.raftpool.proto.MarkBackend;
import io.raftpool.proto.Observation;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.ClusterStates;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which backends the leader marks up or down, from the committed observations and which agents
 * are alive. Down needs certain evidence (the own agent saw no postmaster) or corroborated
 * evidence (two live observers cannot reach it, and its own agent is silent or agrees). Up needs
 * the own agent to see it healthy, and for a standby, streaming. A standby that merely stopped
 * streaming keeps its status: during a primary's failure it is the candidate.
 * The ACTIVE primary is not marked down here; that is the failover's decision.
 */
public final class StatusPolicy {
    private StatusPolicy() {}

    public static List<MarkBackend> decide(ClusterState state, Liveness liveness) {
        List<MarkBackend> marks = new ArrayList<>();
        for (Backend b : state.getBackendsList()) {
            boolean isActivePrimary = state.getPrimary().getNodeId() == b.getNodeId()
                    && state.getPrimary().getPhase() != PrimaryPhase.PHASE_NONE;
            Optional<String> down = downEvidence(state, b.getNodeId(), liveness);
            if (down.isPresent()) {
                if (b.getStatus() != BackendStatus.DOWN && b.getStatus() != BackendStatus.RECOVERING && !isActivePrimary) {
                    marks.add(mark(b.getNodeId(), BackendStatus.DOWN, down.get(), BackendRole.ROLE_UNKNOWN));
                }
                continue;
            }
            upEvidence(state, b, liveness).ifPresent(reason -> {
                if (b.getStatus() != BackendStatus.UP && b.getStatus() != BackendStatus.RECOVERING) {
                    marks.add(mark(b.getNodeId(), BackendStatus.UP, reason, BackendRole.ROLE_UNKNOWN));
                }
            });
        }
        return marks;
    }

    /** Certain or corroborated evidence that the server is down, with who saw what. */
    public static Optional<String> downEvidence(ClusterState state, int subject, Liveness liveness) {
        Optional<Observation> own = ClusterStates.observation(state, subject, subject);
        boolean ownAlive = liveness.alive(subject);
        if (ownAlive && own.isPresent() && own.get().getHealth() == Health.NOT_RUNNING) {
            return Optional.of("its agent sees no PostgreSQL process (" + own.get().getDetail() + ")");
        }
        List<String> unhealthy = new ArrayList<>();
        for (Observation o : ClusterStates.observationsOf(state, subject)) {
            if (liveness.alive(o.getObserver()) && isUnhealthy(o.getHealth())) {
                unhealthy.add("agent " + o.getObserver() + ": " + o.getDetail());
            }
        }
        boolean ownAgrees = !ownAlive || own.isEmpty() || own.get().getHealth() != Health.HEALTHY;
        if (unhealthy.size() >= 2 && ownAgrees) {
            String ownWord = ownAlive ? "" : "; its own agent is silent";
            return Optional.of(unhealthy.size() + " agents cannot reach it (" + String.join("; ", unhealthy) + ")" + ownWord);
        }
        return Optional.empty();
    }

    private static Optional<String> upEvidence(ClusterState state, Backend b, Liveness liveness) {
        if (!liveness.alive(b.getNodeId())) {
            return Optional.empty();
        }
        Optional<Observation> own = ClusterStates.observation(state, b.getNodeId(), b.getNodeId());
        if (own.isEmpty() || own.get().getHealth() != Health.HEALTHY) {
            return Optional.empty();
        }
        boolean primaryHere = state.getPrimary().getNodeId() == b.getNodeId()
                && state.getPrimary().getPhase() == PrimaryPhase.ACTIVE;
        if (primaryHere) {
            return own.get().getRole() == BackendRole.PRIMARY ? Optional.of("running as primary") : Optional.empty();
        }
        if (b.getNeedsRecovery() || own.get().getRole() != BackendRole.STANDBY || !own.get().getStreaming()) {
            return Optional.empty();
        }
        return Optional.of("streaming from the primary");
    }

    static boolean isUnhealthy(Health h) {
        return h == Health.UNREACHABLE || h == Health.NOT_RUNNING;
    }

    private static MarkBackend mark(int node, BackendStatus status, String reason, BackendRole role) {
        return MarkBackend.newBuilder().setNodeId(node).setStatus(status).setReason(reason).setRole(role).build();
    }
}
