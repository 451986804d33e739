package io.raftpool.server.http;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Health;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.ClusterStates;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a load balancer's health check is told about this node, as a pure function of what the
 * agent knows: the committed state, its own contact with the Raft majority and its own
 * server's health. {@code /primary} answers 200 only on the node whose server is the committed
 * primary of the newest epoch, while its agent is in contact with the majority (a primary cut
 * off from it is about to be fenced, S6, and a load balancer must not keep sending it writes);
 * {@code /replica} on an up, streaming standby ({@code ?lag=16MB} bounds its lag);
 * {@code /read-only} on either; {@code /health} while PostgreSQL runs; {@code /liveness} while
 * the agent answers.
 */
public final class HealthChecks {
    private static final Pattern BYTES = Pattern.compile("(\\d{1,15})\\s*(b|kb|mb|gb)?");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,15})\\s*(ms|s|min)");

    private HealthChecks() {}

    /** What the agent knows when asked. */
    public record Facts(ClusterState state, int self, boolean majorityContact, Health ownHealth,
                        BackendRole ownRole, boolean ownStreaming, java.util.function.LongSupplier replayDelayMs) {
        public Facts(ClusterState state, int self, boolean majorityContact, Health ownHealth, BackendRole ownRole,
                     boolean ownStreaming) {
            this(state, self, majorityContact, ownHealth, ownRole, ownStreaming, () -> -1);
        }
    }

    /** A {@code lag} bound: bytes of WAL, or how long ago the last replayed transaction was committed. */
    sealed interface LagBound {}

    record Bytes(long max) implements LagBound {}

    record Millis(long max) implements LagBound {}

    record Invalid() implements LagBound {}

    /** The answer: an HTTP status, and a one-line reason for the body. */
    public record Answer(int status, String check, String reason) {
        public boolean ok() {
            return status == 200;
        }
    }

    public static Answer answer(String path, Map<String, String> query, Facts f) {
        String check = path.replaceAll("/+$", "").toLowerCase(Locale.ROOT);
        return switch (check) {
            case "/primary", "/master", "/read-write" -> primary(f);
            case "/replica", "/standby" -> lagBound(query).map(bound -> bound instanceof Invalid
                    ? new Answer(400, "replica", "lag '" + query.get("lag") + "' is neither a size nor a duration;"
                    + " write bytes with an optional unit (kB, MB, GB), e.g. lag=16MB, or a duration (ms, s, min),"
                    + " e.g. lag=10s")
                    : replica(f, bound)).orElseGet(() -> replica(f, new Bytes(Long.MAX_VALUE)));
            case "/read-only" -> {
                Answer p = primary(f);
                yield p.ok() ? new Answer(200, "read-only", p.reason()) : readOnlyReplica(f, query);
            }
            case "/health" -> running(f) ? new Answer(200, "health", "PostgreSQL runs")
                    : new Answer(503, "health", "PostgreSQL does not run or does not answer its agent");
            case "/liveness" -> new Answer(200, "liveness", "the agent answers");
            default -> new Answer(404, "unknown", "no check at " + path + "; the checks are /primary, /replica"
                    + " (?lag=16MB), /read-only, /health and /liveness");
        };
    }

    private static Answer readOnlyReplica(Facts f, Map<String, String> query) {
        Answer r = answer("/replica", query, f);
        return new Answer(r.status(), "read-only", r.reason());
    }

    static Answer primary(Facts f) {
        ClusterState s = f.state();
        if (s.getPrimary().getNodeId() != f.self()) {
            return new Answer(503, "primary", "the primary is " + (s.getPrimary().getNodeId() < 0 ? "nobody"
                    : "node " + s.getPrimary().getNodeId()) + " at epoch " + s.getPrimary().getEpoch());
        }
        if (s.getPrimary().getPhase() != PrimaryPhase.ACTIVE) {
            return new Answer(503, "primary", "this node is being made primary at epoch " + s.getPrimary().getEpoch()
                    + " (" + s.getPrimary().getPhase().name().toLowerCase(Locale.ROOT) + ")");
        }
        if (!f.majorityContact()) {
            return new Answer(503, "primary", "this agent has no contact with the Raft majority: its primary is"
                    + " being fenced");
        }
        if (f.ownHealth() != Health.HEALTHY || f.ownRole() != BackendRole.PRIMARY) {
            return new Answer(503, "primary", "the committed primary, but its server " + (f.ownHealth() != Health.HEALTHY
                    ? "does not answer its agent" : "does not run as a primary"));
        }
        return new Answer(200, "primary", "the primary of epoch " + s.getPrimary().getEpoch());
    }

    static Answer replica(Facts f, long maxLagBytes) {
        return replica(f, new Bytes(maxLagBytes));
    }

    static Answer replica(Facts f, LagBound bound) {
        Optional<Backend> me = ClusterStates.backend(f.state(), f.self());
        if (me.isEmpty()) {
            return new Answer(503, "replica", "this node has no PostgreSQL server in the cluster");
        }
        Backend b = me.get();
        if (f.state().getPrimary().getNodeId() == f.self()) {
            return new Answer(503, "replica", "this node is the primary");
        }
        if (b.getStatus() != BackendStatus.UP || b.getNeedsRecovery() || b.getDetached()) {
            return new Answer(503, "replica", "this standby is " + (b.getDetached() ? "detached"
                    : b.getNeedsRecovery() ? "waiting to be rebuilt" : ClusterStates.statusName(b.getStatus())));
        }
        if (f.ownHealth() != Health.HEALTHY || f.ownRole() != BackendRole.STANDBY || !f.ownStreaming()) {
            return new Answer(503, "replica", "its server " + (f.ownHealth() != Health.HEALTHY ? "does not answer its agent"
                    : f.ownRole() != BackendRole.STANDBY ? "is not in recovery" : "is not streaming from the primary"));
        }
        if (bound instanceof Bytes bytes && bytes.max() != Long.MAX_VALUE
                && (b.getLagBytes() < 0 || b.getLagBytes() > bytes.max())) {
            return new Answer(503, "replica", "lag " + (b.getLagBytes() < 0 ? "unknown" : b.getLagBytes() + " bytes")
                    + ", over the bound of " + bytes.max() + " bytes");
        }
        if (bound instanceof Millis millis) {
            long delay = f.replayDelayMs().getAsLong();
            if (delay < 0 || delay > millis.max()) {
                return new Answer(503, "replica", "replay delay " + (delay < 0 ? "unknown" : delay + " ms")
                        + ", over the bound of " + millis.max() + " ms");
            }
            return new Answer(200, "replica", "a streaming standby, replay delay " + delay + " ms");
        }
        return new Answer(200, "replica", "a streaming standby, lag " + (b.getLagBytes() < 0 ? "unknown"
                : b.getLagBytes() + " bytes"));
    }

    static boolean running(Facts f) {
        return f.ownHealth() == Health.HEALTHY;
    }

    /** The {@code lag} bound: empty when absent. */
    static Optional<LagBound> lagBound(Map<String, String> query) {
        String text = query.get("lag");
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher time = DURATION.matcher(t);
        if (time.matches()) {
            long n = Long.parseLong(time.group(1));
            long unit = switch (time.group(2)) {
                case "s" -> 1000L;
                case "min" -> 60_000L;
                default -> 1L;
            };
            return Optional.of(new Millis(n > Long.MAX_VALUE / unit ? Long.MAX_VALUE - 1 : n * unit));
        }
        Matcher m = BYTES.matcher(t);
        if (!m.matches()) {
            return Optional.of(new Invalid());
        }
        long n = Long.parseLong(m.group(1));
        long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "kb" -> 1024L;
            case "mb" -> 1024L * 1024;
            case "gb" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return Optional.of(new Bytes(n > Long.MAX_VALUE / unit ? Long.MAX_VALUE - 1 : n * unit));
    }
}
