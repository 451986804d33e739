package io.raftpool.server.raft;

import io.raftpool.proto.RaftInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * How this agent's Raft member starts, decided from its own storage and what the other agents
 * answer. Pure.
 *
 * <p>Why a new group is formed by one member alone: when every member of a new group starts
 * at once, several of them can win a first election each and write their own entry at index 0;
 * Ratis (3.2.2 and 3.3.0) then lets a follower commit its own stale index-0 entry on a leader's
 * heartbeat that names no previous entry, after which it can never follow (docs/architecture.md).
 * Formed by one member, the group has one index-0 entry only: everyone else joins as a listener
 * (a listener never campaigns, so it never writes an entry of its own) and becomes a voter once
 * it has caught up ({@link MemberGrowth}). The etcd and Consul way to bootstrap.
 *
 * <p>And why a member without storage never starts when the group counts it as a voter: an
 * empty voter has forgotten the entries it acknowledged and the vote it cast, and could help
 * elect a leader that lacks a committed entry (S7). The operator's {@code rebuild-member} takes
 * it out of the voters first.
 */
public sealed interface MemberStart {
    /** One line for the log. */
    String describe();

    /** From its own storage: the configuration it holds is the one it uses. */
    record Recover() implements MemberStart {
        @Override
        public String describe() {
            return "starting from its raft storage";
        }
    }

    /** No storage anywhere: this member forms the new group alone and the others join it. */
    record FormAlone() implements MemberStart {
        @Override
        public String describe() {
            return "forming a new raft group alone; the other members join it as listeners";
        }
    }

    /**
     * Empty, joining the running group whose configuration the other agents reported, as a
     * listener ({@code staticGroup}: every configured member a voter, for tests of the state
     * machine only).
     */
    record Join(List<Integer> voters, List<Integer> listeners, boolean staticGroup) implements MemberStart {
        public Join {
            voters = List.copyOf(voters);
            listeners = List.copyOf(listeners);
        }

        @Override
        public String describe() {
            return staticGroup ? "starting a static group of voters " + voters
                    : "joining the running raft group (voters " + voters + ", listeners " + listeners + ") as a listener";
        }
    }

    /** Not yet: {@code why} says what it waits for. */
    record Wait(String why) implements MemberStart {
        @Override
        public String describe() {
            return "waiting: " + why;
        }
    }

    /** The role an agent reports before its Raft member has started. */
    String WAITING_ROLE = "WAITING";

    /**
     * @param self        this node's id
     * @param hasStorage  whether this node has Raft storage already
     * @param configured  every node id of the config
     * @param answers     the other agents that answered, with their Raft view
     */
    static MemberStart decide(int self, boolean hasStorage, Collection<Integer> configured, Map<Integer, RaftInfo> answers) {
        if (hasStorage) {
            return new Recover();
        }
        RaftInfo best = null;
        for (RaftInfo a : answers.values()) {
            if (a.getVotersCount() == 0) {
                continue;
            }
            if (best == null || rank(a) > rank(best)) {
                best = a;
            }
        }
        if (best != null) {
            List<Integer> countingSelf = new ArrayList<>();
            for (RaftInfo a : answers.values()) {
                if (a.getVotersList().contains(self)) {
                    countingSelf.add(a.getNodeId());
                }
            }
            if (!countingSelf.isEmpty()) {
                return new Wait("node " + self + " has no raft storage but the raft group counts it as a voter (as agents "
                        + countingSelf + " report): it must not vote with an empty log; run `raftpool rebuild-member "
                        + self + "` from any node, and this agent joins as a listener");
            }
            return new Join(best.getVotersList(), best.getListenersList(), false);
        }
        int bootstrap = configured.stream().mapToInt(Integer::intValue).min().orElse(self);
        int majority = configured.size() / 2 + 1;
        long empty = answers.values().stream().filter(a -> a.getVotersCount() == 0).count() + 1;
        if (self != bootstrap) {
            return new Wait("no raft group runs yet: node " + bootstrap + " forms it, then this member joins it");
        }
        if (empty < majority) {
            return new Wait("no raft group answered, and only " + empty + " of the " + majority + " agents needed said"
                    + " they have none: a new group is formed only when a majority of the configured agents answer that"
                    + " no group exists");
        }
        return new FormAlone();
    }

    /** The most trustworthy answer first: the leader's, then the highest term, then the most applied. */
    private static long rank(RaftInfo a) {
        return ("LEADER".equals(a.getRole()) ? 1L << 62 : 0) + Math.min(a.getTerm(), 1L << 30) * (1L << 31)
                + Math.max(0, Math.min(a.getAppliedIndex(), (1L << 31) - 1));
    }
}
