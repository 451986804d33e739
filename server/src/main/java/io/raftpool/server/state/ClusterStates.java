package io.raftpool.server.state;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Observation;
import io.raftpool.proto.PrimaryPhase;
import java.util.List;
import java.util.Optional;

/** Read-only questions about a {@link ClusterState}; lookups by node id. */
public final class ClusterStates {
    private ClusterStates() {}

    public static Optional<NodeInfo> node(ClusterState s, int id) {
        return s.getNodesList().stream().filter(n -> n.getId() == id).findFirst();
    }

    public static Optional<Backend> backend(ClusterState s, int id) {
        int i = indexOfBackend(s, id);
        return i < 0 ? Optional.empty() : Optional.of(s.getBackends(i));
    }

    public static int indexOfBackend(ClusterState s, int id) {
        for (int i = 0; i < s.getBackendsCount(); i++) {
            if (s.getBackends(i).getNodeId() == id) {
                return i;
            }
        }
        return -1;
    }

    public static int indexOfObservation(ClusterState s, int observer, int subject) {
        for (int i = 0; i < s.getObservationsCount(); i++) {
            Observation o = s.getObservations(i);
            if (o.getObserver() == observer && o.getSubject() == subject) {
                return i;
            }
        }
        return -1;
    }

    public static Optional<Observation> observation(ClusterState s, int observer, int subject) {
        int i = indexOfObservation(s, observer, subject);
        return i < 0 ? Optional.empty() : Optional.of(s.getObservations(i));
    }

    public static List<Observation> observationsOf(ClusterState s, int subject) {
        return s.getObservationsList().stream().filter(o -> o.getSubject() == subject).toList();
    }

    public static List<Integer> nodeIds(ClusterState s) {
        return s.getNodesList().stream().map(NodeInfo::getId).toList();
    }

    public static List<Integer> backendIds(ClusterState s) {
        return s.getBackendsList().stream().map(Backend::getNodeId).toList();
    }

    public static boolean isInitialised(ClusterState s) {
        return s.getNodesCount() > 0;
    }

    /** The primary that takes writes now: committed, promoted, of the newest epoch. */
    public static Optional<Integer> activePrimary(ClusterState s) {
        return s.getPrimary().getPhase() == PrimaryPhase.ACTIVE ? Optional.of(s.getPrimary().getNodeId()) : Optional.empty();
    }

    public static String statusName(BackendStatus status) {
        return switch (status) {
            case UP -> "up";
            case DOWN -> "down";
            case RECOVERING -> "recovering";
            default -> "unknown";
        };
    }

    public static String roleName(BackendRole role) {
        return switch (role) {
            case PRIMARY -> "primary";
            case STANDBY -> "standby";
            default -> "unknown";
        };
    }
}
