package io.raftpool.server.raft;

import io.raftpool.proto.RaftInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The leader's next change of the Raft configuration towards the nodes of the committed state,
 * one member at a time: a node whose agent runs a Raft member that is not in the configuration
 * is added as a listener; a listener that has caught up becomes a voter. Nothing is ever
 * removed here (remove-node and rebuild-member do that), and an empty member never becomes a
 * voter: it must first have applied what the leader had. Only members that started empty to
 * join (their agent says {@code joining}) are grown in. Pure.
 */
public final class MemberGrowth {
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
        for (int id : new TreeSet<>(listeners)) {
            RaftInfo a = answers.get(id);
            if (wanted.contains(id) && a != null && isRunningMember(a) && a.getAppliedIndex() >= 0
                    && a.getAppliedIndex() >= leaderApplied - CAUGHT_UP_SLACK) {
                List<Integer> v = new ArrayList<>(voters);
                v.add(id);
                List<Integer> l = new ArrayList<>(listeners);
                l.remove(Integer.valueOf(id));
                return Optional.of(new Change(sorted(v), sorted(l), "listener " + id + " has caught up (applied index "
                        + a.getAppliedIndex() + ", the leader's " + leaderApplied + "): it becomes a voter"));
            }
        }
        for (int id : new TreeSet<>(wanted)) {
            RaftInfo a = answers.get(id);
            if (!voters.contains(id) && !listeners.contains(id) && a != null && isRunningMember(a)
                    && !a.getVotersList().contains(id)) {
                List<Integer> l = new ArrayList<>(listeners);
                l.add(id);
                return Optional.of(new Change(sorted(new ArrayList<>(voters)), sorted(l), "node " + id
                        + "'s agent waits to join: it is added as a listener and receives the log"));
            }
        }
        return Optional.empty();
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
