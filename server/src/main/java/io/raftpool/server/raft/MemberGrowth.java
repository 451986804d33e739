package io.raftpool.server.raft;

import io.raftpool.proto.RaftInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The leader's next change of the Raft configuration towards the nodes of the committed state:
 * nodes whose agents joined empty are added as listeners; listeners that have caught up become
 * voters, together, and never so as to leave a group of two voters while another wanted node
 * is still on its way (a new group goes {0} → {0} + listeners {1,2} → {0,1,2}). Nothing is ever
 * removed here (remove-node and rebuild-member do that), and an empty member never becomes a
 * voter: it must first have applied what the leader had. Only members that started empty to
 * join (their agent says {@code joining}) are grown in. Pure.
 */
public final class MemberGrowth {
    /** Fewer voters than this are grown only together with every other wanted node. */
    public static final int MIN_GROWN_VOTERS = 3;

    /** How far behind the leader's applied index a listener may be and still count as caught up. */
    public static final long CAUGHT_UP_SLACK = 2;

    private MemberGrowth() {}

    /** A new configuration, and why. */
    public record Change(List<Integer> voters, List<Integer> listeners, String reason) {
        public Change {
            voters = List.copyOf(voters);
            listeners = List.copyOf(listeners);
        }
    }

    /**
     * @param wanted        the node ids of the committed state (empty before init: nothing to do)
     * @param voters        the current configuration's voters
     * @param listeners     the current configuration's listeners
     * @param answers       the agents that answered, with their Raft view
     * @param leaderApplied the leader's applied index
     */
    public static Optional<Change> next(Collection<Integer> wanted, Collection<Integer> voters, Collection<Integer> listeners,
                                        Map<Integer, RaftInfo> answers, long leaderApplied) {
        List<Integer> arrivals = new ArrayList<>();
        for (int id : new TreeSet<>(wanted)) {
            RaftInfo a = answers.get(id);
            if (!voters.contains(id) && !listeners.contains(id) && a != null && isRunningMember(a)
                    && !a.getVotersList().contains(id)) {
                arrivals.add(id);
            }
        }
        if (!arrivals.isEmpty()) {
            List<Integer> l = new ArrayList<>(listeners);
            l.addAll(arrivals);
            return Optional.of(new Change(sorted(new ArrayList<>(voters)), sorted(l), "node(s) " + arrivals
                    + " joined empty: added as listeners, they receive the log and do not vote yet"));
        }
        List<Integer> caughtUp = new ArrayList<>();
        for (int id : new TreeSet<>(listeners)) {
            RaftInfo a = answers.get(id);
            if (wanted.contains(id) && a != null && isRunningMember(a) && a.getAppliedIndex() >= 0
                    && a.getAppliedIndex() >= leaderApplied - CAUGHT_UP_SLACK) {
                caughtUp.add(id);
            }
        }
        if (caughtUp.isEmpty()) {
            return Optional.empty();
        }
        List<Integer> v = new ArrayList<>(voters);
        v.addAll(caughtUp);
        boolean othersPending = wanted.stream().anyMatch(id -> !v.contains(id));
        if (v.size() < MIN_GROWN_VOTERS && othersPending) {
            // Two voters tolerate no fault and need both: a lone voter is no worse, and immune to
            // the other's pauses. Wait for the rest to catch up and promote them together.
            return Optional.empty();
        }
        List<Integer> l = new ArrayList<>(listeners);
        l.removeAll(caughtUp);
        return Optional.of(new Change(sorted(v), sorted(l), "listener(s) " + caughtUp + " caught up (the leader's applied"
                + " index " + leaderApplied + "): they become voters"));
    }

    /**
     * Listeners that applied nothing for {@link FollowLag#REPORT_AFTER_MS} while the leader moved
     * on ({@code lags}: the leader's view of each listener's applied index), taken out of the
     * configuration so that the next round adds them back as arrivals. A listener has no vote, so
     * this changes no majority; its log stays, and it resumes where it stopped. Why: under load,
     * when a second listener is added while Ratis starts replicating to the first, the leader can
     * stop sending to the first for good (seen in fresh-clone runs: a listener at applied index
     * 21 for minutes while its agent answered, so the group never grew past one voter); a new
     * change starts the replication afresh. {@code spared}: listeners recently taken out and
     * added back, given time to resume. {@code nowMs}: the clock the lags were observed with.
     */
    public static Optional<Change> unstick(Collection<Integer> voters, Collection<Integer> listeners,
                                           Map<Integer, FollowLag> lags, Collection<Integer> spared, long nowMs) {
        List<Integer> stuck = new TreeSet<>(listeners).stream().filter(id -> !spared.contains(id))
                .filter(id -> lags.containsKey(id) && lags.get(id).notFollowing(nowMs)).toList();
        if (stuck.isEmpty()) {
            return Optional.empty();
        }
        List<Integer> l = new ArrayList<>(listeners);
        l.removeAll(stuck);
        return Optional.of(new Change(sorted(new ArrayList<>(voters)), sorted(l), "listener(s) " + stuck
                + " applied nothing while the leader moved on (" + String.join("; ", stuck.stream()
                .map(id -> "node " + id + " at applied index " + lags.get(id).lastApplied() + ", "
                        + lags.get(id).entriesBehind() + " entries behind for " + lags.get(id).stuckForMs(nowMs) / 1000
                        + " s").toList())
                + "): taken out of the configuration and added back next, which restarts the replication to them"));
    }

    /**
     * Its Raft member runs (not an agent still waiting to start one) and started empty to join:
     * a member that was only taken out of the voters (rebuild-member, before its agent reset it)
     * is not let back in here.
     */
    private static boolean isRunningMember(RaftInfo a) {
        return a.getJoining() && ("LISTENER".equals(a.getRole()) || "FOLLOWER".equals(a.getRole()));
    }

    private static List<Integer> sorted(List<Integer> ids) {
        return ids.stream().sorted().toList();
    }
}
