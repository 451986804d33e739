package io.raftpool.server.leader;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.Quorum;
import io.raftpool.proto.SetQuorum;
import io.raftpool.server.local.SyncSetting;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Quorum mode's next step, one at a time, each keeping the invariant a failover relies on
 * (docs/architecture.md, "Quorum commit"): every acknowledged commit is on at least
 * durable_count members of the durable set, and every setting the primary may be using names
 * only members of that set and waits for at least durable_count of them.
 *
 * <ol>
 *   <li>Grow first: a standby joins the durable set (and durable_count drops to what the new
 *       target waits for) before the primary is told to count on it.</li>
 *   <li>Then the new target: {@code ANY k} of the streaming standbys.</li>
 *   <li>Shrink last: once the primary has been seen using the target in two probes in a row, its
 *       WAL position then is the settle point; once k members of the target flushed past it,
 *       every acknowledged commit is on them, and the durable set becomes the target.</li>
 * </ol>
 * Pure.
 */
public final class QuorumPolicy {
    private QuorumPolicy() {}

    /**
     * @param view          what the primary said in this round's probe; empty when it did not
     *                      answer, and then nothing changes (that is when a failover may need the set)
     * @param previousNames synchronous_standby_names the primary showed in the round before
     */
    public static Optional<SetQuorum> next(ClusterState s, Optional<ReplicationView> view, boolean strict,
                                           String previousNames) {
        Quorum q = s.getQuorum();
        if (q.getConfigured() == 0 || s.getPrimary().getPhase() != PrimaryPhase.ACTIVE || view.isEmpty()) {
            return Optional.empty();
        }
        List<Integer> durable = sorted(s.getSyncStandbysList());
        List<Integer> waitFor = sorted(q.getWaitForList());
        List<Integer> wanted = streaming(s, view.get().syncStates());
        int wantedCount = strict ? q.getConfigured() : Math.min(q.getConfigured(), wanted.size());
        if (!waitFor.equals(wanted) || q.getWaitCount() != wantedCount) {
            if (!durable.containsAll(wanted) || q.getDurableCount() > wantedCount) {
                TreeSet<Integer> grown = new TreeSet<>(durable);
                grown.addAll(wanted);
                return Optional.of(step(s, List.copyOf(grown), Math.min(q.getDurableCount(), wantedCount), waitFor,
                        q.getWaitCount(), 0, "standbys " + wanted + " stream; the failover set grows before the"
                                + " primary counts on them"));
            }
            return Optional.of(step(s, durable, q.getDurableCount(), wanted, wantedCount, 0,
                    "the primary waits for ANY " + wantedCount + " of the streaming standbys " + wanted));
        }
        int settled = Math.min(waitFor.size(), q.getWaitCount());
        if (durable.equals(waitFor) && q.getDurableCount() == settled) {
            return Optional.empty();
        }
        if (waitFor.isEmpty()) {
            return Optional.of(step(s, waitFor, 0, waitFor, q.getWaitCount(), 0, "no standby streams: "
                    + (strict ? "writes wait for " + q.getConfigured() + " to connect (sync_policy strict)"
                    : "the primary acknowledges alone (sync_policy availability)") + "; no failover is possible"));
        }
        String expected = SyncSetting.value(s, strict);
        ReplicationView v = view.get();
        if (!v.syncStandbyNames().equals(expected) || !previousNames.equals(expected)) {
            return Optional.empty(); // its agent has not applied it yet, or too recently to be sure every walsender has
        }
        if (q.getSettleLsn() == 0) {
            return Optional.of(step(s, durable, q.getDurableCount(), waitFor, q.getWaitCount(), v.primaryLsn(),
                    "the primary uses " + expected + " at " + FailoverPolicy.formatLsn(v.primaryLsn())));
        }
        long flushed = waitFor.stream().map(v.standbys()::get)
                .filter(st -> st != null && st.flushLsn() >= q.getSettleLsn()).count();
        if (flushed < settled) {
            return Optional.empty();
        }
        return Optional.of(step(s, waitFor, settled, waitFor, q.getWaitCount(), q.getSettleLsn(), flushed
                + " of nodes " + waitFor + " flushed past " + FailoverPolicy.formatLsn(q.getSettleLsn())
                + ", where the primary began to wait for them"));
    }

    /** The standbys that may be counted on: streaming from the primary, up, attached, not being rebuilt. */
    static List<Integer> streaming(ClusterState s, Map<Integer, String> syncStates) {
        return sorted(syncStates.keySet().stream().filter(id -> SyncPolicy.eligible(s, id, syncStates)).toList());
    }

    private static SetQuorum step(ClusterState s, List<Integer> durable, int durableCount, List<Integer> waitFor,
                                  int waitCount, long settleLsn, String reason) {
        return SetQuorum.newBuilder().setEpoch(s.getPrimary().getEpoch()).addAllDurableSet(durable)
                .setDurableCount(durableCount).addAllWaitFor(waitFor).setWaitCount(waitCount).setSettleLsn(settleLsn)
                .setReason(reason).build();
    }

    private static List<Integer> sorted(List<Integer> ids) {
        return ids.stream().sorted().distinct().toList();
    }
}
