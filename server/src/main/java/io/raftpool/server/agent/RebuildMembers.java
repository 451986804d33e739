package io.raftpool.server.agent;

import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.RaftInfo;
import io.raftpool.server.api.MemberRebuild;
import io.raftpool.server.leader.ClusterInit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What rebuild-member needs from this agent: the other agents' Raft views and its own, and a
 * member's reset, through its agent or, for this one, by {@code rebuildSelf}.
 */
record RebuildMembers(ClusterConfig config, int self, PeerAgents peers, Supplier<ClusterState> state,
                      Supplier<RaftInfo> ownRaft, Runnable rebuildSelf) implements MemberRebuild.Members {
    @Override
    public Map<Integer, RaftInfo> ask(List<Integer> ids) {
        return peers.raftInfos(nodeInfos(ids));
    }

    @Override
    public RaftInfo own() {
        return ownRaft.get();
    }

    @Override
    public ActionReply resetPeer(int id) {
        if (id == self) {
            resetSelf();
            return ActionReply.newBuilder().setAccepted(true).build();
        }
        return nodeInfos(List.of(id)).stream().findFirst().map(peers::resetRaftMember)
                .orElseGet(() -> ActionReply.newBuilder().setAccepted(false)
                        .setMessage("node " + id + " is neither in the cluster state nor in the config").build());
    }

    /** Where each of {@code ids} is: the committed state first (nodes added since), else the config. */
    private List<NodeInfo> nodeInfos(List<Integer> ids) {
        List<NodeInfo> out = new ArrayList<>();
        for (int id : ids) {
            state.get().getNodesList().stream().filter(n -> n.getId() == id).findFirst()
                    .or(() -> config.node(id).map(ClusterInit::nodeInfo))
                    .ifPresent(out::add);
        }
        return out;
    }

    @Override
    public void resetSelf() {
        rebuildSelf.run();
    }
}
