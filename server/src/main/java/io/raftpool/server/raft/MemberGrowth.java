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
 * is still on its way (a new group goes {0} → {0} + listeners {1,2} → {0} → {0,1,2}). Nothing is
 * ever removed here for good (remove-node and rebuild-member do that), and an empty member never
 * becomes a voter: it must first have applied what the leader had. Only members that started
 * empty to join (their agent says {@code joining}) are grown in. Pure.
 *
 * <p>Why a listener becomes a voter in two changes, taken out and then added back as a voter,
 * and not by changing its role in place: Ratis (3.2.2) marks a follower "caught up" only when it
 * enters the configuration as a voter through its staging (or when a leader is elected); a
 * listener made a voter in place stays "not caught up" for as long as that leader lives, so the
 * leader keeps telling it that it is still initializing. A member restarted from storage whose
 * last configuration does not list it as a voter in both halves (it stopped during its own
 * promotion) starts in that initializing state and leaves it only on a leader's append that says
 * it is no longer initializing: it follows the log but cannot vote. When the leader then died,
 * the two members left could not elect (seen in fresh-clone CI runs: "not in [RUNNING]: current
 * state is STARTING" for minutes). Added back as a voter, the member is staged, marked caught up,
 * and votes.
 */
public final class MemberGrowth {
    /** Fewer voters than this are grown only together with every other wanted node. */
    public static final int MIN_GROWN_VOTERS = 3;

    /** How far behind the leader's applied index a listener may be and still count as caught up. */
    public static final long CAUGHT_UP_SLACK = 2;

    private MemberGrowth() {}

    /**
     * A new configuration, and why; {@code promoting}: the listeners it takes out so that the next
     * change adds them back as voters (empty for every other change).
     */
    public record Change(List<Integer> voters, List<Integer> listeners, String reason, List<Integer> promoting) {
        public Change {
            voters = List.copyOf(voters);
            listeners = List.copyOf(listeners);
            promoting = List.copyOf(promoting);
        }

        public Change(List<Integer> voters, List<Integer> listeners, String reason) {
            this(voters, listeners, reason, List.of());
        }
    }

    /**
     * @param wanted        the node ids of the committed state (empty before init: nothing to do)
     * @param voters        the current configuration's voters
     * @param listeners     the current configuration's listeners
     * @param answers       the agents that answered, with their Raft view
     * @param leaderApplied the leader's applied index
     * @param promoting     the listeners this leader took out to add back as voters (a previous
     *                      change's {@link Change#promoting}); forgotten by a new leader, which then
     *                      adds them back as listeners first
     */
    public static Optional<Change> next(Collection<Integer> wanted, Collection<Integer> voters, Collection<Integer> listeners,
                                        Map<Integer, RaftInfo> answers, long leaderApplied, Collection<Integer> promoting) {
        List<Integer> out = new TreeSet<>(promoting).stream()
                .filter(id -> wanted.contains(id) && !voters.contains(id) && !listeners.contains(id)).toList();
        if (!out.isEmpty()) {
            return Optional.of(addBack(voters, listeners, answers, out));
        }
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
        return Optional.of(new Change(sorted(new ArrayList<>(voters)), sorted(l), "listener(s) " + caughtUp
                + " caught up (the leader's applied index " + leaderApplied + "): taken out as listeners, to be added back"
                + " as voters next", caughtUp));
    }

    /**
     * The second half of a promotion: the members taken out come back as voters if every one of
     * them answers as a running member, or else those that answer come back as listeners (a voter
     * that cannot catch up would fail Ratis's staging, and two voters must not be left while a
     * third is on its way).
     */
    private static Change addBack(Collection<Integer> voters, Collection<Integer> listeners, Map<Integer, RaftInfo> answers,
                                  List<Integer> out) {
        List<Integer> answering = out.stream().filter(id -> answers.get(id) != null && isRunningMember(answers.get(id)))
                .toList();
        if (answering.size() == out.size()) {
            List<Integer> v = new ArrayList<>(voters);
            v.addAll(out);
            return new Change(sorted(v), sorted(new ArrayList<>(listeners)), "node(s) " + out + " added back as voters:"
                    + " the leader stages them until they hold its log, then counts their votes");
        }
        List<Integer> l = new ArrayList<>(listeners);
        l.addAll(answering);
        List<Integer> silent = out.stream().filter(id -> !answering.contains(id)).toList();
        return new Change(sorted(new ArrayList<>(voters)), sorted(l), "node(s) " + silent + " no longer answer: "
                + (answering.isEmpty() ? "nobody" : "node(s) " + answering) + " added back as listeners, and"
                + " promoted again once every wanted node has caught up");
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
