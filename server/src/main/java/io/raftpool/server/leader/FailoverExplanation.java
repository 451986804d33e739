package io.raftpool.server.leader;

import io.raftpool.config.FailoverSettings;
import io.raftpool.proto.Backend;
import io.raftpool.proto.CandidateExplanation;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Explanation;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.ClusterStates;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * raftpool explain: why a failover is or is not happening, from the same rules the leader's
 * round applies ({@link FailoverPolicy}, {@link QuorumRule}), evaluated on the state as it is:
 * each standby's eligibility, and when the primary failed, what holds the failover back and
 * until when. It asks no server for its WAL position (a failover does, then): where that
 * decides, it says who would be asked. Pure.
 */
public final class FailoverExplanation {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private FailoverExplanation() {}

    /**
     * @param noAutoFailover why automatic failover is off now (failover.auto, a pause), if it is
     * @param wallNowMs      the leader's wall clock, to say when a window ends
     */
    public static Explanation explain(ClusterState s, Liveness live, FailoverSettings settings,
                                      Optional<String> noAutoFailover, long wallNowMs, int answeredBy) {
        int primary = s.getPrimary().getNodeId();
        Explanation.Builder e = Explanation.newBuilder().setAnsweredByLeader(true).setAnsweredBy(answeredBy)
                .setPrimaryNodeId(primary).setEpoch(s.getPrimary().getEpoch());
        for (Backend b : s.getBackendsList()) {
            if (b.getNodeId() != primary || s.getPrimary().getPhase() == PrimaryPhase.PHASE_NONE) {
                e.addCandidates(candidate(s, live, b));
            }
        }
        List<Integer> eligible = FailoverPolicy.eligible(s, live, primary);
        switch (s.getPrimary().getPhase()) {
            case PROMOTING -> {
                return e.setState("failing_over").setVerdict("a promotion is under way: node " + primary + " at epoch "
                        + s.getPrimary().getEpoch() + (s.hasOperation() ? " (" + s.getOperation().getReason() + ")" : ""))
                        .build();
            }
            case BOOTSTRAPPING -> {
                return e.setState("failing_over").setVerdict("the cluster is bootstrapping: node " + primary
                        + " becomes the first primary").build();
            }
            case PHASE_NONE -> {
                if (s.getPrimary().getEpoch() == 0) {
                    return e.setState("no_primary").setVerdict("the cluster is not initialised yet").build();
                }
                if (noAutoFailover.isPresent()) {
                    return e.setState("no_primary").setVerdict("no primary, and " + noAutoFailover.get()
                            + ": promote one with raftpool promote-node N").build();
                }
                return heldOrDue(e, s, eligible, "no primary (the last promotion failed)");
            }
            default -> { }
        }
        FailoverPolicy.Assessment a = FailoverPolicy.assess(s, live, settings);
        if (!(a instanceof FailoverPolicy.Failed f)) {
            return e.setState("healthy").setVerdict("the primary node " + primary + " is healthy: no failover").build();
        }
        e.addAllEvidence(f.evidence());
        String failed = "the primary node " + primary + " failed (" + f.reason() + ")";
        if (noAutoFailover.isPresent()) {
            return e.setState("held_back").setVerdict(failed + ", and " + noAutoFailover.get()).build();
        }
        if (f.waitsForItsAgent()) {
            return e.setState("held_back").setVerdict(failed + "; held back until its own agent, which is alive,"
                    + " reports that no process of it remains (it kills a server that runs but does not answer):"
                    + " promoting around a server that may still commit would make two primaries").build();
        }
        if (!f.promotableAt(live.nowMs())) {
            long leftMs = f.promoteNotBeforeMs() - live.nowMs();
            long untilMs = wallNowMs + leftMs;
            return e.setState("held_back").setHeldUntilMs(untilMs).setVerdict(failed + "; held back by the fence"
                    + " window until " + TIME.format(Instant.ofEpochMilli(untilMs)) + " UTC (" + leftMs + " ms): its"
                    + " agent is silent, and its watchdog may still be fencing it (failover.fence_timeout "
                    + settings.fenceTimeout().toMillis() + " ms + fence_grace " + settings.fenceGrace().toMillis()
                    + " ms from when it was last heard)").build();
        }
        return heldOrDue(e, s, eligible, failed);
    }

    /** The failed primary may be replaced now: by whom, or what stops it. */
    private static Explanation heldOrDue(Explanation.Builder e, ClusterState s, List<Integer> eligible, String failed) {
        int primary = s.getPrimary().getNodeId();
        if (s.getQuorum().getConfigured() > 0) {
            int needed = io.raftpool.api.view.QuorumSize.needed(s);
            if (needed == 0) {
                return e.setState("held_back").setVerdict(failed + "; quorum mode: no acknowledged commit is known"
                        + " to be on any standby yet (durable count 0), so no answer could show who holds them all")
                        .build();
            }
            return e.setState("due").setVerdict(failed + "; quorum mode: the leader asks nodes "
                    + QuorumRule.toAsk(s, primary) + " and promotes once " + needed + " of them answer: the one with"
                    + " the highest WAL position among the eligible " + eligible).build();
        }
        if (eligible.isEmpty()) {
            return e.setState("held_back").setVerdict(failed + "; no candidate: "
                    + FailoverPolicy.whyNoCandidate(s, eligible, Map.of())).build();
        }
        return e.setState("due").setVerdict(failed + "; the leader promotes one of nodes " + eligible
                + " now: the one with the highest WAL position when asked, then priority").build();
    }

    private static CandidateExplanation candidate(ClusterState s, Liveness live, Backend b) {
        int priority = ClusterStates.node(s, b.getNodeId()).map(NodeInfo::getPriority).orElse(0);
        Optional<String> why = FailoverPolicy.whyNotEligible(s, live, b);
        return CandidateExplanation.newBuilder().setNodeId(b.getNodeId()).setEligible(why.isEmpty())
                .setReason(why.orElse("may be promoted: up, streaming role, attached, its agent alive"
                        + (s.getSyncMode() ? ", a committed synchronous standby" : "")))
                .setLagBytes(b.getLagBytes()).setTimeline(b.getTimeline()).setPriority(priority).build();
    }
}
