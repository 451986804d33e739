package io.raftpool.server.metrics;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Operation;
import io.raftpool.proto.PrimaryPhase;
import java.util.Locale;
import java.util.Optional;

/**
 * Recognises a completed promotion (failover, promote-node, switchover) between two
 * consecutive committed states: the operation that created the epoch is gone and the primary
 * of that epoch is active. Pure; the metrics count what it finds.
 */
public final class Promotions {

    /**
     * @param kind       {@code failover}, {@code promote} or {@code switchover}
     * @param durationMs from the failure being confirmed (or the request) to the primary being active
     */
    public record Completed(String kind, long epoch, int nodeId, long durationMs) {}

    private Promotions() {}

    /**
     * The promotion that {@code after} completed, if any. One that completed before
     * {@code notBeforeMs} (wall clock, as committed) is history replayed at start, not news.
     */
    public static Optional<Completed> completed(ClusterState before, ClusterState after, long notBeforeMs) {
        Operation op = before.getOperation();
        boolean promoting = op.getKind() == Operation.Kind.FAILOVER || op.getKind() == Operation.Kind.PROMOTE
                || op.getKind() == Operation.Kind.SWITCHOVER;
        boolean activeNow = after.getPrimary().getPhase() == PrimaryPhase.ACTIVE
                && after.getPrimary().getEpoch() == op.getEpoch()
                && after.getOperation().getKind() == Operation.Kind.KIND_NONE;
        boolean activeBefore = before.getPrimary().getPhase() == PrimaryPhase.ACTIVE
                && before.getPrimary().getEpoch() == op.getEpoch();
        if (!promoting || !activeNow || activeBefore || after.getPrimary().getSinceMs() < notBeforeMs) {
            return Optional.empty();
        }
        long started = op.getDetectedMs() > 0 ? op.getDetectedMs() : op.getStartedMs();
        return Optional.of(new Completed(op.getKind().name().toLowerCase(Locale.ROOT), op.getEpoch(),
                after.getPrimary().getNodeId(), Math.max(0, after.getPrimary().getSinceMs() - started)));
    }
}
