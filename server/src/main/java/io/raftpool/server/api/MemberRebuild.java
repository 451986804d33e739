package io.raftpool.server.api;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.RaftInfo;
import io.raftpool.server.raft.RaftNode;
import io.raftpool.server.raft.RebuildCheck;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rebuild-member N}, through Raft membership change: N leaves the configuration (so it
 * never counts toward a majority again until it has caught up), its agent sets its Raft storage
 * aside and rejoins empty, the leader's MemberGrowthDuty adds it as a listener and makes it a
 * voter once it has applied what the leader had. And the other half, {@code
 * ResetRaftMember}, as node N's agent carries it out.
 */
public final class MemberRebuild {
    private static final Logger LOG = LoggerFactory.getLogger(MemberRebuild.class);

    /** What rebuild-member needs from its agent: the other agents, and this agent's own restart. */
    public interface Members {
        /** The Raft view of each of {@code ids} whose agent answers. */
        Map<Integer, RaftInfo> ask(List<Integer> ids);

        /** This agent's own Raft view. */
        RaftInfo own();

        /** Asks node {@code id}'s agent to set its Raft storage aside and rejoin. */
        ActionReply resetPeer(int id);

        /** Closes this agent, sets its Raft storage aside and starts it again: after the reply is sent. */
        void resetSelf();
    }

    private final int self;
    private final RaftNode raft;
    private final Supplier<ClusterState> state;
    private final Members members;

    MemberRebuild(int self, RaftNode raft, Supplier<ClusterState> state, Members members) {
        this.self = self;
        this.raft = raft;
        this.state = state;
        this.members = members;
    }

    ActionReply rebuild(ClusterState s, NodeRequest r, Duration timeout) {
        int id = r.getNodeId();
        if (ClusterStates.node(s, id).isEmpty()) {
            return refused("node " + id + " is not in the cluster; nodes are " + ClusterStates.nodeIds(s));
        }
        List<Integer> voters = raft.members();
        List<Integer> listeners = raft.listeners();
        Map<Integer, RaftInfo> answers = new HashMap<>(members.ask(s.getNodesList().stream().map(NodeInfo::getId)
                .filter(n -> n != self).toList()));
        answers.put(self, members.own());
        Optional<String> refusal = RebuildCheck.refusal(id, raft.leaderNode(), voters, answers);
        if (refusal.isPresent()) {
            return refused(refusal.get());
        }
        long started = System.nanoTime();
        if (voters.contains(id) || listeners.contains(id)) {
            // Out of the configuration altogether, not only the voters: the leader then drops its
            // log appender to N and starts a fresh one when N rejoins. An appender that knew N
            // before cannot follow it back to an empty log (Ratis 3.2.2 keeps answering its
            // INCONSISTENCY replies with the old index, RATIS-2523).
            try {
                raft.setConfiguration(infos(s, without(voters, id)), infos(s, without(listeners, id)));
            } catch (Exception e) {
                return refused("node " + id + " could not be taken out of the raft configuration: " + e.getMessage()
                        + "; nothing else was changed");
            }
            LOG.info("rebuild-member {}: node {} is out of the raft configuration until it rejoins", id, id);
        }
        ActionReply reset = members.resetPeer(id);
        String resetNote;
        if (reset.getAccepted()) {
            resetNote = "its agent " + (reset.getMessage().contains("no raft storage") ? "had no raft storage left"
                    : "set its raft storage aside") + " and rejoined as a listener";
        } else if (raft.members().contains(id)) {
            return accepted("node " + id + " is a voter again without a rebuild (" + reset.getMessage() + ")");
        } else {
            resetNote = "its agent did not reset (" + reset.getMessage() + "): when it starts without its old raft storage"
                    + " it joins as a listener; if its agent_dir survived, run rebuild-member " + id
                    + " again once the agent runs";
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !raft.members().contains(id)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (raft.members().contains(id)) {
            return accepted("node " + id + " rebuilt: it left the voters, " + resetNote + ", caught up and is a voter again"
                    + " after " + ms + " ms");
        }
        return refused("node " + id + " left the raft configuration and " + resetNote + "; it is not a voter yet after " + ms
                + " ms: it becomes one by itself once it has rejoined and caught up (watchdog-info shows it as a listener"
                + " meanwhile)");
    }

    /** Node {@code id}'s agent is asked to rebuild itself: only once the leader no longer counts it a voter. */
    ActionReply reset(NodeRequest r) {
        if (r.getNodeId() != self) {
            return refused("this is node " + self + "'s agent, not node " + r.getNodeId() + "'s");
        }
        RaftInfo own = members.own();
        if (own.getJoining()) {
            return accepted("node " + self + " has no raft storage left: it started empty and rejoins as a listener");
        }
        List<Integer> others = new java.util.ArrayList<>();
        others.addAll(own.getVotersList());
        others.addAll(own.getListenersList());
        // the configured nodes too: this member's own view of the group may be the stale one
        state.get().getNodesList().forEach(n -> others.add(n.getId()));
        Map<Integer, RaftInfo> answers = members.ask(others.stream().distinct().filter(n -> n != self).toList());
        Optional<RaftInfo> leader = answers.values().stream().filter(a -> "LEADER".equals(a.getRole())).findFirst();
        if (leader.isEmpty()) {
            return refused("no Raft leader answered node " + self + "'s agent: its raft storage is left as it is");
        }
        if (leader.get().getVotersList().contains(self)) {
            return refused("the Raft leader (node " + leader.get().getNodeId() + ") still counts node " + self
                    + " a voter: its raft storage is left as it is");
        }
        LOG.warn("rebuild-member {}: the leader (node {}) no longer counts this member a voter; setting its raft storage"
                + " aside and rejoining as a listener", self, leader.get().getNodeId());
        members.resetSelf();
        return accepted("node " + self + " sets its raft storage aside and rejoins as a listener");
    }

    private static List<Integer> without(List<Integer> ids, int id) {
        return ids.stream().filter(i -> i != id).toList();
    }

    private static List<NodeInfo> infos(ClusterState s, List<Integer> ids) {
        return s.getNodesList().stream().filter(n -> ids.contains(n.getId())).toList();
    }

    private static ActionReply refused(String why) {
        return ActionReply.newBuilder().setAccepted(false).setMessage(why).build();
    }

    private static ActionReply accepted(String what) {
        return ActionReply.newBuilder().setAccepted(true).setMessage(what).build();
    }
}
