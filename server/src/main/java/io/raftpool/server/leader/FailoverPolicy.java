package io.raftpool.server.leader;

import io.raftpool.config.FailoverSettings;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Health;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Observation;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.ClusterStates;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The failover decision, as pure functions of the committed state, what the leader knows of
 * the agents' liveness, and the WAL positions it asked of the candidates. Nothing here does
 * I/O or reads a clock.
 */
public final class FailoverPolicy {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /** {@link Failed#promoteNotBeforeMs} while a live agent has not reported its server gone. */
    static final long UNTIL_ITS_AGENT_REPORTS = Long.MAX_VALUE;

    private FailoverPolicy() {}

    /** The primary's condition as far as failover is concerned. */
    public sealed interface Assessment {}

    /** No reason to act. */
    public record Healthy() implements Assessment {}

    /**
     * The primary failed. {@code promoteNotBeforeMs} (leader monotonic clock) is when its own
     * agent, if it is merely cut off, has surely fenced it (S6); it is {@code 0} when the own
     * agent itself reported that no process of the server remains, which leaves nothing to wait
     * for, and {@code Long.MAX_VALUE} while that agent is alive and has not: it is the one to
     * kill the server, and says so once it has.
     */
    public record Failed(int primary, String reason, List<String> evidence, long detectedAtMs,
                         long promoteNotBeforeMs) implements Assessment {
        /** Whether the leader may promote around the failed primary at {@code nowMs} (its monotonic clock). */
        public boolean promotableAt(long nowMs) {
            return nowMs >= promoteNotBeforeMs;
        }

        /** Whether no time suffices: its live agent must first report that no process of it remains. */
        public boolean waitsForItsAgent() {
            return promoteNotBeforeMs == UNTIL_ITS_AGENT_REPORTS;
        }
    }

    /** WAL position of a candidate, asked at decision time (the committed one may be stale). */
    public record CandidateProbe(boolean reachable, boolean inRecovery, long walLsn, String error) {}

    public record Choice(int target, long walLsn, String reason) {}

    public static Assessment assess(ClusterState state, Liveness liveness, FailoverSettings settings) {
        if (state.getPrimary().getPhase() != PrimaryPhase.ACTIVE) {
            return new Healthy();
        }
        int primary = state.getPrimary().getNodeId();
        Optional<String> down = StatusPolicy.downEvidence(state, primary, liveness);
        if (down.isEmpty()) {
            return new Healthy();
        }
        List<String> evidence = new ArrayList<>();
        long detectedAt = 0;
        for (Observation o : ClusterStates.observationsOf(state, primary)) {
            if (StatusPolicy.isUnhealthy(o.getHealth()) && liveness.alive(o.getObserver())) {
                evidence.add("agent " + o.getObserver() + " " + healthWord(o.getHealth()) + " at "
                        + TIME.format(Instant.ofEpochMilli(o.getAtMs())) + ": " + o.getDetail());
                detectedAt = Math.max(detectedAt, o.getAtMs());
            }
        }
        Optional<Observation> own = ClusterStates.observation(state, primary, primary);
        boolean certain = liveness.alive(primary) && own.isPresent() && own.get().getHealth() == Health.NOT_RUNNING;
        long notBefore = 0;
        if (certain) {
            detectedAt = own.get().getAtMs();
        } else if (liveness.alive(primary)) {
            // Unreachable is not dead (S6): a server that others cannot reach may still commit for
            // sessions open to it. Its live agent kills it and reports it gone; until then, no one.
            notBefore = UNTIL_ITS_AGENT_REPORTS;
            evidence.add("waiting for agent " + primary + " to report its server gone (it kills one that runs but"
                    + " does not answer)");
        } else {
            OptionalLong heard = liveness.lastHeard(primary);
            long base = heard.isPresent() ? heard.getAsLong() : liveness.nowMs();
            notBefore = base + settings.fenceTimeout().toMillis() + settings.fenceGrace().toMillis();
            OptionalLong away = liveness.awayUntil(primary);
            if (away.isPresent() && away.getAsLong() + settings.fenceGrace().toMillis() > notBefore) {
                // its agent stopped for a restart and extended its watchdog's lease by the window
                notBefore = away.getAsLong() + settings.fenceGrace().toMillis();
                evidence.add("agent " + primary + " stopped for a restart: its watchdog fences the server by the end of"
                        + " its restart window, " + (away.getAsLong() - liveness.nowMs()) + " ms from now");
            }
        }
        return new Failed(primary, down.get(), List.copyOf(evidence), detectedAt, notBefore);
    }

    /**
     * The standbys worth asking for their WAL position: up, streaming role, not detached, not
     * needing recovery, not marked nofailover, and with a live agent to carry out the promotion.
     */
    public static List<Integer> eligible(ClusterState state, Liveness liveness, int excluded) {
        List<Integer> ids = new ArrayList<>();
        for (Backend b : state.getBackendsList()) {
            if (b.getNodeId() != excluded && whyNotEligible(state, liveness, b).isEmpty()) {
                ids.add(b.getNodeId());
            }
        }
        return ids;
    }

    /** Why {@code b} may not be promoted, if it may not: the rules of {@link #eligible}, one at a time. */
    public static Optional<String> whyNotEligible(ClusterState state, Liveness liveness, Backend b) {
        if (b.getStatus() != BackendStatus.UP) {
            return Optional.of("it is " + ClusterStates.statusName(b.getStatus()));
        }
        if (b.getRole() != BackendRole.STANDBY) {
            return Optional.of("it is no standby (" + b.getRole().name().toLowerCase() + ")");
        }
        if (b.getDetached()) {
            return Optional.of("detached by an operator (raftpool attach-node " + b.getNodeId() + ")");
        }
        if (b.getNeedsRecovery()) {
            return Optional.of("it needs recovery (raftpool recovery-node " + b.getNodeId() + ")");
        }
        if (!liveness.alive(b.getNodeId())) {
            return Optional.of("its agent is silent: no one could carry out its promotion");
        }
        if (state.getSyncMode() && !state.getSyncStandbysList().contains(b.getNodeId())) {
            // S3: only a committed synchronous standby holds every acknowledged commit
            return Optional.of("sync mode: it is not a committed synchronous standby " + state.getSyncStandbysList()
                    + ", so it may lack acknowledged commits");
        }
        Optional<NodeInfo> node = ClusterStates.node(state, b.getNodeId());
        if (node.isEmpty()) {
            return Optional.of("it is not a member of the cluster");
        }
        if (node.get().getNofailover()) {
            return Optional.of("nofailover is set in its config");
        }
        return Optional.empty();
    }

    /** Whom to ask for a WAL position: the eligible, and in quorum mode every member a failover must hear from. */
    public static List<Integer> toAsk(ClusterState state, List<Integer> eligible, int failed) {
        if (state.getQuorum().getConfigured() == 0) {
            return eligible;
        }
        java.util.TreeSet<Integer> ids = new java.util.TreeSet<>(eligible);
        ids.addAll(QuorumRule.toAsk(state, failed));
        return List.copyOf(ids);
    }

    /**
     * Among the eligible candidates that answered as standbys, the highest WAL position wins;
     * ties go to the higher priority, then the lower id.
     */
    public static Optional<Choice> choose(ClusterState state, List<Integer> eligible, Map<Integer, CandidateProbe> probes) {
        if (state.getQuorum().getConfigured() > 0) {
            return QuorumRule.choose(state, eligible, probes);
        }
        record Ranked(int id, long lsn, int priority) {}
        List<Ranked> ranked = new ArrayList<>();
        for (int id : eligible) {
            CandidateProbe p = probes.get(id);
            if (p == null || !p.reachable() || !p.inRecovery()) {
                continue;
            }
            int priority = ClusterStates.node(state, id).map(NodeInfo::getPriority).orElse(0);
            ranked.add(new Ranked(id, p.walLsn(), priority));
        }
        return ranked.stream()
                .max(Comparator.comparingLong(Ranked::lsn)
                        .thenComparingInt(Ranked::priority)
                        .thenComparing(Comparator.comparingInt(Ranked::id).reversed()))
                .map(r -> new Choice(r.id(), r.lsn(), "highest WAL position " + formatLsn(r.lsn())
                        + " of " + ranked.size() + " candidate(s)"));
    }

    /** Why no candidate qualifies, for the event log. */
    public static String whyNoCandidate(ClusterState state, List<Integer> eligible, Map<Integer, CandidateProbe> probes) {
        if (state.getQuorum().getConfigured() > 0) {
            return QuorumRule.whyNoCandidate(state, eligible, probes);
        }
        if (eligible.isEmpty()) {
            return state.getSyncMode() ? "no committed synchronous standby (" + state.getSyncStandbysList()
                    + ") is up with a live agent" : "no standby is up, attached, with a live agent and allowed to fail over";
        }
        List<String> reasons = new ArrayList<>();
        for (int id : eligible) {
            CandidateProbe p = probes.get(id);
            reasons.add("node " + id + ": " + (p == null ? "not asked" : !p.reachable() ? p.error()
                    : !p.inRecovery() ? "not in recovery" : "ok"));
        }
        return "no candidate answered as a standby (" + String.join("; ", reasons) + ")";
    }

    public static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }

    private static String healthWord(Health h) {
        return h == Health.NOT_RUNNING ? "saw no postmaster" : "could not reach it";
    }
}
