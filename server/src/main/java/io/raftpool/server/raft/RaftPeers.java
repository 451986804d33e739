package io.raftpool.server.raft;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.RaftPeer;

/** Our nodes as Ratis peers, voters or listeners: for a member's start and for a configuration change. */
final class RaftPeers {
    private RaftPeers() {}

    static RaftPeer peer(int id, String address, boolean listener) {
        RaftPeer.Builder b = RaftPeer.newBuilder().setId(RaftIds.peerId(id)).setAddress(address);
        if (listener) {
            b.setStartupRole(RaftProtos.RaftPeerRole.LISTENER);
        }
        return b.build();
    }

    static List<RaftPeer> of(List<NodeInfo> nodes, boolean listeners) {
        return nodes.stream().map(n -> peer(n.getId(), n.getHost() + ":" + n.getRaftPort(), listeners)).toList();
    }

    /** Every configured node, as voters. */
    static List<RaftPeer> configured(ClusterConfig config) {
        return config.nodes().stream().map(n -> peer(n.id(), n.raftAddress(), false)).toList();
    }

    /**
     * The running group's members as its agents reported them, and this node as a listener (or
     * every node a voter for a static test group): a listener never campaigns, so it never
     * writes an entry of its own; the leader sends it the log, and it becomes a voter only once
     * it has caught up ({@link MemberGrowth}).
     */
    static List<RaftPeer> joining(ClusterConfig config, MemberStart.Join join, NodeConfig self) {
        List<RaftPeer> peers = new ArrayList<>();
        for (int id : join.voters()) {
            if (id != self.id()) {
                peers.add(peer(id, config.requireNode(id).raftAddress(), false));
            }
        }
        for (int id : join.listeners()) {
            if (id != self.id()) {
                peers.add(peer(id, config.requireNode(id).raftAddress(), true));
            }
        }
        peers.add(peer(self.id(), self.raftAddress(), !join.staticGroup()));
        return peers;
    }

    static List<Integer> ids(List<RaftPeer> peers) {
        return peers.stream().map(p -> RaftIds.nodeId(p.getId())).toList();
    }
}
