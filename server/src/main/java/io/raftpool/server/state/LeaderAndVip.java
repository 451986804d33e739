package io.raftpool.server.state;

import static io.raftpool.server.state.EventLog.event;
import static io.raftpool.server.state.EventLog.withEvent;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.SetVip;
import io.raftpool.proto.VipHolder;
import java.util.Optional;

/**
 * Who is the Raft leader and who holds the VIP, as committed: a newer term wins, an older one
 * never erases it. Pure, like {@link Transitions}.
 */
final class LeaderAndVip {
    private LeaderAndVip() {}

    static Optional<String> validateVip(ClusterState state, SetVip v) {
        int id = v.getNodeId();
        return id == -1 ? Optional.empty() : NodeRefusals.requireNode(state, id, "vip holder");
    }

    static ClusterState leaderAnnounce(ClusterState state, int nodeId, long term, long now) {
        if (term <= state.getLeaderTerm()) {
            return state;
        }
        ClusterState.Builder b = state.toBuilder().setLeaderTerm(term).setLeaderNode(nodeId);
        String previous = state.getLeaderNode() >= 0 ? " (was node " + state.getLeaderNode() + ")" : "";
        return withEvent(b, event(now, "leader", nodeId, state.getPrimary().getEpoch(),
                "node " + nodeId + " is the Raft leader at term " + term + previous)).build();
    }

    static ClusterState setVip(ClusterState state, SetVip v, long now) {
        VipHolder current = state.getVip();
        if (current.getNodeId() == v.getNodeId() && current.getAddress().equals(v.getAddress())) {
            return state;
        }
        if (v.getNodeId() == -1 && v.getTerm() < current.getTerm()) {
            return state; // an old holder's late release must not erase a newer holder
        }
        ClusterState.Builder b = state.toBuilder().setVip(VipHolder.newBuilder()
                .setNodeId(v.getNodeId()).setAddress(v.getAddress()).setSinceMs(now).setTerm(v.getTerm()));
        String what = v.getNodeId() == -1 ? "VIP " + current.getAddress() + " released by node " + current.getNodeId()
                : "VIP " + v.getAddress() + " is up on node " + v.getNodeId() + " (term " + v.getTerm() + ")";
        return withEvent(b, event(now, "vip", v.getNodeId(), state.getPrimary().getEpoch(), what)).build();
    }
}
