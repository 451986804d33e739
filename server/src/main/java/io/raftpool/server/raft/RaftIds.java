package io.raftpool.server.raft;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;

/** Names in Ratis for things of ours: node N is peer "n{N}"; the group id comes from the cluster name. */
public final class RaftIds {
    private RaftIds() {}

    public static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf("n" + nodeId);
    }

    public static int nodeId(RaftPeerId peer) {
        String s = peer.toString();
        if (!s.startsWith("n")) {
            return -1;
        }
        try {
            return Integer.parseInt(s.substring(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static RaftGroupId groupId(String clusterName) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("raftpool:" + clusterName).getBytes(StandardCharsets.UTF_8)));
    }
}
