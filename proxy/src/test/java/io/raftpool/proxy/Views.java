package io.raftpool.proxy;

import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.PrimaryPhase;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Small builders of plain views for the decision tests. */
final class Views {

    private Views() {}

    static BackendView primary(int id) {
        return new BackendView(id, "pg" + id, "127.0.0.1", 5400 + id, BackendStatus.UP, BackendRole.PRIMARY, false, false);
    }

    static BackendView standby(int id) {
        return new BackendView(id, "pg" + id, "127.0.0.1", 5400 + id, BackendStatus.UP, BackendRole.STANDBY, false, false);
    }

    static BackendView status(BackendView b, BackendStatus status) {
        return new BackendView(b.nodeId(), b.name(), b.host(), b.pgPort(), status, b.role(), b.detached(), b.needsRecovery());
    }

    static BackendView detached(BackendView b) {
        return new BackendView(b.nodeId(), b.name(), b.host(), b.pgPort(), b.status(), b.role(), true, b.needsRecovery());
    }

    static BackendView needsRecovery(BackendView b) {
        return new BackendView(b.nodeId(), b.name(), b.host(), b.pgPort(), b.status(), b.role(), b.detached(), true);
    }

    static ClusterView cluster(long epoch, int primary, PrimaryPhase phase, BackendView... backends) {
        Map<Integer, BackendView> map = Arrays.stream(backends)
                .collect(Collectors.toMap(BackendView::nodeId, Function.identity()));
        return new ClusterView(epoch, primary, phase, map);
    }

    /** A view received at {@code receivedAt} from an agent {@code contactAge} ms out of touch. */
    static Optional<AgentView> seen(ClusterView c, long receivedAt, long contactAge) {
        return Optional.of(new AgentView(c, receivedAt, contactAge, 0));
    }
}
