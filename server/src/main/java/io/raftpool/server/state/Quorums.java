package io.raftpool.server.state;

import static io.raftpool.server.state.EventLog.event;
import static io.raftpool.server.state.EventLog.withEvent;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.Quorum;
import io.raftpool.proto.SetQuorum;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Quorum mode's committed sets (S3 with ANY k): the members a failover must hear from, how many
 * of them hold every acknowledged commit, and what the primary is told to wait for. The leader's
 * {@code QuorumPolicy} decides the steps; this refuses one that breaks the invariant's shape.
 * Pure, like {@link Transitions}.
 */
final class Quorums {
    private Quorums() {}

    static Optional<String> validate(ClusterState state, SetQuorum q) {
        if (state.getQuorum().getConfigured() == 0) {
            return Optional.of("set_quorum: the cluster is not in quorum mode");
        }
        if (q.getEpoch() != state.getPrimary().getEpoch() || state.getPrimary().getPhase() != PrimaryPhase.ACTIVE) {
            return Optional.of("set_quorum: decided for epoch " + q.getEpoch() + ", but the primary is of epoch "
                    + state.getPrimary().getEpoch() + " (" + state.getPrimary().getPhase() + ")");
        }
        for (int id : q.getDurableSetList()) {
            Optional<String> p = NodeRefusals.requireBackend(state, id);
            if (p.isPresent()) {
                return p;
            }
        }
        Set<Integer> durable = new HashSet<>(q.getDurableSetList());
        if (!durable.containsAll(q.getWaitForList())) {
            return Optional.of("set_quorum: the primary may wait only for members of the durable set " + durable
                    + ", not " + q.getWaitForList());
        }
        if (q.getDurableCount() > q.getWaitCount() || q.getDurableCount() > durable.size() || q.getDurableCount() < 0) {
            return Optional.of("set_quorum: durable_count " + q.getDurableCount() + " must be between 0 and both"
                    + " wait_count " + q.getWaitCount() + " and the durable set's size " + durable.size());
        }
        if (q.getDurableCount() > state.getQuorum().getDurableCount() && !q.getDurableSetList().equals(q.getWaitForList())) {
            return Optional.of("set_quorum: durable_count rises only when the durable set is what the primary waits for");
        }
        return Optional.empty();
    }

    static ClusterState apply(ClusterState state, SetQuorum q, long now) {
        List<Integer> durable = q.getDurableSetList().stream().sorted().distinct().toList();
        List<Integer> waitFor = q.getWaitForList().stream().sorted().distinct().toList();
        Quorum before = state.getQuorum();
        Quorum after = before.toBuilder().setDurableCount(q.getDurableCount()).clearWaitFor().addAllWaitFor(waitFor)
                .setWaitCount(q.getWaitCount()).setSettleLsn(q.getSettleLsn()).build();
        ClusterState.Builder b = state.toBuilder().setQuorum(after).clearSyncStandbys().addAllSyncStandbys(durable);
        boolean visible = !durable.equals(state.getSyncStandbysList().stream().sorted().toList())
                || before.getDurableCount() != after.getDurableCount() || !before.getWaitForList().equals(waitFor)
                || before.getWaitCount() != after.getWaitCount();
        if (!visible) {
            return b.build(); // the settle point only: not worth an event
        }
        return withEvent(b, event(now, "sync", -1, state.getPrimary().getEpoch(), "quorum: failover hears from "
                + describe(durable, q.getDurableCount()) + "; the primary waits for " + (waitFor.isEmpty() ? "no standby"
                : "ANY " + q.getWaitCount() + " of nodes " + waitFor) + ": " + q.getReason())).build();
    }

    private static String describe(List<Integer> durable, int count) {
        if (count == 0) {
            return "nobody (no acknowledged commit is known to be on a standby: no failover)";
        }
        return durable.size() - count + 1 + " of nodes " + durable + " (every acknowledged commit is on " + count
                + " of them)";
    }

    /** A new primary: nothing it acknowledges is known to be on a standby until the leader settles the set again. */
    static void reset(ClusterState.Builder b) {
        if (b.getQuorum().getConfigured() > 0) {
            b.setQuorum(Quorum.newBuilder().setConfigured(b.getQuorum().getConfigured()));
        }
    }

    /**
     * A member's data no longer counts: it leaves the cluster, or it is rebuilt (its data moved
     * aside; a server restored from an older backup answers with an older position). It leaves
     * the durable set and takes one from durable_count with it: every acknowledged commit is still
     * on that many of the rest. It joins again, like any standby, once it streams.
     */
    static void forget(ClusterState.Builder b, int id) {
        Quorum q = b.getQuorum();
        if (q.getConfigured() == 0 || !b.getSyncStandbysList().contains(id)) {
            return;
        }
        b.setQuorum(q.toBuilder().setDurableCount(Math.max(0, q.getDurableCount() - 1)).clearWaitFor()
                .addAllWaitFor(q.getWaitForList().stream().filter(x -> x != id).toList()));
        List<Integer> rest = b.getSyncStandbysList().stream().filter(x -> x != id).toList();
        b.clearSyncStandbys().addAllSyncStandbys(rest);
    }
}
