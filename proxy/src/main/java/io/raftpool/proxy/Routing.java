package io.raftpool.proxy;

import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.PrimaryPhase;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The proxy's decisions, as pure functions of plain values: which view to believe, where a
 * new connection goes, and which open sessions may stay. The network code only carries out
 * what these return. {@code now} is the proxy's monotonic clock in milliseconds.
 *
 * <p>Safety (S1): writes go only to the primary of the newest epoch seen, only while that
 * primary is ACTIVE and not detached, and only while the view is younger than staleAfter.
 */
public final class Routing {

    private Routing() {}

    /**
     * The view to keep when {@code incoming} arrives: an agent that is behind (a lower epoch
     * than the one already believed) is ignored, so the proxy never goes back to an older
     * primary. Equal or newer epochs replace the current view (and refresh its age).
     */
    public static AgentView accept(Optional<AgentView> current, AgentView incoming) {
        if (current.isPresent() && incoming.epoch() < current.get().epoch()) {
            return current.get();
        }
        return incoming;
    }

    public static boolean isFresh(AgentView view, long now, Duration staleAfter) {
        return view.ageMs(now) < staleAfter.toMillis();
    }

    /** Milliseconds from {@code now} until {@code view} turns stale; 0 when it already is. */
    public static long msUntilStale(AgentView view, long now, Duration staleAfter) {
        long age = view.ageMs(now);
        return age >= staleAfter.toMillis() ? 0 : staleAfter.toMillis() - age;
    }

    /** Where a new read-write connection goes, or why it is refused. */
    public static Route readWrite(Optional<AgentView> view, long now, Duration staleAfter) {
        if (view.isEmpty()) {
            return Route.refused(RefusalReason.NO_VIEW,
                    "raftpool: no cluster state received from any agent yet; retry shortly");
        }
        AgentView v = view.get();
        if (!isFresh(v, now, staleAfter)) {
            return Route.refused(RefusalReason.STALE_VIEW, "raftpool: this proxy has lost touch with the cluster"
                    + " (state " + describeAge(v.ageMs(now)) + " old, limit " + staleAfter.toMillis() + " ms, epoch "
                    + v.epoch() + "); writes are refused so none reach a fenced primary; retry shortly"
                    + " or connect through another node");
        }
        ClusterView c = v.cluster();
        Optional<BackendView> primary = c.backend(c.primaryNodeId());
        if (c.phase() != PrimaryPhase.ACTIVE || primary.isEmpty()) {
            return Route.refused(RefusalReason.NO_PRIMARY, "raftpool: no primary available ("
                    + phaseText(c) + ", epoch " + c.epoch() + "); retry shortly");
        }
        if (primary.get().detached()) {
            return Route.refused(RefusalReason.PRIMARY_DETACHED, "raftpool: the primary "
                    + primary.get().describe() + " is detached by an operator (epoch " + c.epoch()
                    + "); attach it (raftpool attach-node " + c.primaryNodeId() + ") or promote another node");
        }
        return new Route.To(Target.of(primary.get(), c.epoch()));
    }

    /**
     * Where a new read-only connection goes: the UP, attached, not-diverged standby with the
     * fewest read-only sessions (lowest node id on a tie), skipping {@code excluded} (servers
     * that just failed to accept); the writable primary when no standby qualifies.
     *
     * <p>Standbys are chosen from the last view whatever its age: a standby refuses writes, so
     * S1 does not depend on it. The primary is chosen only under the read-write rules.
     */
    public static Route readOnly(Optional<AgentView> view, long now, Duration staleAfter,
                                 Map<Integer, Integer> readOnlySessions, Set<Integer> excluded) {
        if (view.isEmpty()) {
            return readWrite(view, now, staleAfter);
        }
        ClusterView c = view.get().cluster();
        Optional<BackendView> standby = c.backends().values().stream()
                .filter(b -> isReadableStandby(c, b) && !excluded.contains(b.nodeId()))
                .min(Comparator.<BackendView>comparingInt(b -> readOnlySessions.getOrDefault(b.nodeId(), 0))
                        .thenComparingInt(BackendView::nodeId));
        if (standby.isPresent()) {
            return new Route.To(Target.of(standby.get(), c.epoch()));
        }
        Route primary = readWrite(view, now, staleAfter);
        if (primary instanceof Route.To to && !excluded.contains(to.target().nodeId())) {
            return primary;
        }
        String why = primary instanceof Route.Refused r ? r.refusal().message().replaceFirst("^raftpool: ", "")
                : "the primary did not accept a connection";
        return Route.refused(RefusalReason.NO_BACKEND, "raftpool: no server available for read-only connections"
                + " (no standby is up" + (excluded.isEmpty() ? "" : ", nodes " + excluded + " did not accept")
                + "; " + why + ")");
    }

    /** Which sessions may stay open under {@code view} at {@code now}. */
    public static Permits permits(Optional<AgentView> view, long now, Duration staleAfter) {
        if (view.isEmpty()) {
            return Permits.NONE;
        }
        ClusterView c = view.get().cluster();
        int writable = readWrite(view, now, staleAfter) instanceof Route.To to ? to.target().nodeId() : -1;
        Set<Integer> standbys = c.backends().values().stream()
                .filter(b -> isReadableStandby(c, b))
                .map(BackendView::nodeId)
                .collect(Collectors.toUnmodifiableSet());
        return new Permits(c.epoch(), writable, standbys);
    }

    /**
     * Whether a session opened on {@code port} to {@code nodeId} under {@code epoch} may stay.
     * A session to a primary is bound to its epoch: a new epoch ends it even on the same node.
     */
    public static boolean keeps(Permits permits, ProxyPort port, int nodeId, long epoch) {
        boolean toWritablePrimary = nodeId == permits.writablePrimary() && epoch == permits.epoch();
        if (port == ProxyPort.READ_WRITE) {
            return toWritablePrimary;
        }
        return toWritablePrimary || permits.readableStandbys().contains(nodeId);
    }

    static boolean isReadableStandby(ClusterView c, BackendView b) {
        return b.nodeId() != c.primaryNodeId()
                && b.role() == BackendRole.STANDBY
                && b.status() == BackendStatus.UP
                && !b.detached()
                && !b.needsRecovery();
    }

    private static String phaseText(ClusterView c) {
        return switch (c.phase()) {
            case PROMOTING -> "failover in progress: promoting node " + c.primaryNodeId();
            case BOOTSTRAPPING -> "the cluster is bootstrapping";
            case ACTIVE -> "the primary node " + c.primaryNodeId() + " is not in the cluster state";
            default -> "failover in progress";
        };
    }

    private static String describeAge(long ageMs) {
        return ageMs == Long.MAX_VALUE ? "never confirmed by a Raft majority, infinitely" : ageMs + " ms";
    }
}
