package io.raftpool.server.leader;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.server.state.ClusterStates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Quorum mode's failover rule. Every acknowledged commit is on at least k = durable_count of the
 * n members of the durable set; so among any n - k + 1 of them at least one holds it, and the
 * one with the highest flushed WAL position holds every acknowledged commit (they all stream one
 * history from one primary). Hearing from fewer is not enough: the unheard k may be the only
 * ones that hold the last commits. Pure.
 */
final class QuorumRule {
    private QuorumRule() {}

    /** Who must answer: every member of the durable set but the failed primary. */
    static List<Integer> toAsk(ClusterState s, int failed) {
        return s.getSyncStandbysList().stream().filter(id -> id != failed).sorted().toList();
    }

    static int needed(ClusterState s) {
        int n = io.raftpool.api.view.QuorumSize.needed(s);
        return n == 0 ? Integer.MAX_VALUE : n;
    }

    static Optional<FailoverPolicy.Choice> choose(ClusterState s, List<Integer> eligible,
                                                 Map<Integer, FailoverPolicy.CandidateProbe> probes) {
        List<Integer> heard = heard(s, probes);
        if (heard.size() < needed(s)) {
            return Optional.empty();
        }
        long highest = heard.stream().mapToLong(id -> probes.get(id).walLsn()).max().orElseThrow();
        return heard.stream().filter(eligible::contains).filter(id -> probes.get(id).walLsn() == highest)
                .max(Comparator.comparingInt((Integer id) -> ClusterStates.node(s, id).map(NodeInfo::getPriority).orElse(0))
                        .thenComparing(Comparator.<Integer>naturalOrder().reversed()))
                .map(id -> new FailoverPolicy.Choice(id, highest, "highest flushed WAL position "
                        + FailoverPolicy.formatLsn(highest) + " of " + heard.size() + " of " + s.getSyncStandbysCount()
                        + " quorum members heard (" + needed(s) + " needed: every acknowledged commit is on "
                        + s.getQuorum().getDurableCount() + " of nodes " + s.getSyncStandbysList() + ")"));
    }

    static String whyNoCandidate(ClusterState s, List<Integer> eligible, Map<Integer, FailoverPolicy.CandidateProbe> probes) {
        int k = s.getQuorum().getDurableCount();
        if (k == 0) {
            return "quorum mode: no acknowledged commit is known to be on a standby yet (the quorum set " +
                    s.getSyncStandbysList() + " has not settled since this primary began)";
        }
        List<Integer> heard = heard(s, probes);
        if (heard.size() < needed(s)) {
            List<String> silent = new ArrayList<>();
            for (int id : s.getSyncStandbysList()) {
                if (!heard.contains(id)) {
                    FailoverPolicy.CandidateProbe p = probes.get(id);
                    silent.add("node " + id + ": " + (p == null ? "not asked" : !p.reachable() ? p.error() : "not in recovery"));
                }
            }
            return "quorum mode: heard from " + heard.size() + " of nodes " + s.getSyncStandbysList() + ", need "
                    + needed(s) + " (every acknowledged commit is on " + k + " of them; silent: "
                    + String.join("; ", silent) + ")";
        }
        long highest = heard.stream().mapToLong(id -> probes.get(id).walLsn()).max().orElseThrow();
        List<Integer> holders = heard.stream().filter(id -> probes.get(id).walLsn() == highest).toList();
        return "quorum mode: the highest flushed position " + FailoverPolicy.formatLsn(highest) + " is on nodes "
                + holders + ", none of which may be promoted (down, nofailover, detached or no live agent);"
                + " promoting another would lose acknowledged commits";
    }

    private static List<Integer> heard(ClusterState s, Map<Integer, FailoverPolicy.CandidateProbe> probes) {
        return s.getSyncStandbysList().stream().filter(id -> {
            FailoverPolicy.CandidateProbe p = probes.get(id);
            return p != null && p.reachable() && p.inRecovery();
        }).sorted().toList();
    }
}
