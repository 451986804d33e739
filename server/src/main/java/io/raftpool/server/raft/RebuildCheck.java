package io.raftpool.server.raft;

import io.raftpool.proto.RaftInfo;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether rebuild-member may take a node out of the Raft voters now. Pure. Refused when the node
 * leads (its log is the reference; another agent must lead first) and when the voters left
 * would not hold a majority of members that follow the leader: then one more fault would stop
 * the cluster, and an empty member must never be needed for a majority.
 */
public final class RebuildCheck {
    private RebuildCheck() {}

    /**
     * @param node    the member to rebuild
     * @param leader  the Raft leader's node id (-1 when none)
     * @param voters  the voters of the current configuration
     * @param answers the agents that answered, with their Raft view (the leader's included)
     */
    public static Optional<String> refusal(int node, int leader, Collection<Integer> voters, Map<Integer, RaftInfo> answers) {
        if (leader < 0) {
            return Optional.of("no Raft leader is known: nothing was changed; retry once the group has a leader");
        }
        if (node == leader) {
            return Optional.of("node " + node + " is the Raft leader: its log is the one the others copy. Make another agent"
                    + " leader first (restart node " + node + "'s agent, `systemctl restart raftpool-agent@" + node
                    + "`), then run rebuild-member " + node + " again");
        }
        if (!voters.contains(node)) {
            return Optional.empty(); // a listener already: nothing to take out
        }
        List<Integer> remaining = voters.stream().filter(v -> v != node).sorted().toList();
        int majority = remaining.size() / 2 + 1;
        List<Integer> following = remaining.stream().filter(v -> follows(answers.get(v))).toList();
        if (following.size() < majority) {
            List<Integer> notFollowing = remaining.stream().filter(v -> !following.contains(v)).toList();
            return Optional.of("taking node " + node + " out of the voters would leave voters " + remaining + " of which only "
                    + following + " follow the leader, and " + majority + " of them must: bring back " + notFollowing
                    + " (" + String.join("; ", notFollowing.stream().map(v -> whyNot(v, answers.get(v))).toList())
                    + "; watchdog-info shows more) and run rebuild-member " + node + " again");
        }
        return Optional.empty();
    }

    private static String whyNot(int node, RaftInfo a) {
        if (a == null) {
            return "node " + node + "'s agent did not answer";
        }
        if (a.getInitializing()) {
            return "node " + node + " cannot vote yet: its member restarted during its promotion and waits for the leader"
                    + " to count it caught up";
        }
        if (a.getBehindEntries() > 0) {
            return "node " + node + ": " + (a.getFollowProblem().isEmpty() ? a.getBehindEntries() + " entries behind"
                    : a.getFollowProblem());
        }
        return "node " + node + " is " + (a.getRole().isEmpty() ? "not running a Raft member" : a.getRole());
    }

    /** Answers, runs a Raft member that can vote, and applies what the leader applies. */
    static boolean follows(RaftInfo a) {
        return a != null && ("LEADER".equals(a.getRole()) || "FOLLOWER".equals(a.getRole())) && a.getBehindEntries() == 0
                && !a.getInitializing();
    }
}
