package io.raftpool.chaos.nemesis;

import io.raftpool.config.NodeConfig;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.RaftInfo;

/** Which agent leads, asked of each live agent of a local cluster. */
final class Leaders {
    private Leaders() {}

    /** The node that says it is the Raft leader in the newest term, -1 when none does. */
    static int find(LocalCluster cluster) {
        int leader = -1;
        long term = -1;
        for (NodeConfig n : cluster.config().nodes()) {
            if (!cluster.agent(n.id()).isAlive()) {
                continue;
            }
            try {
                RaftInfo info = cluster.admin().getRaftInfo(n.adminAddress());
                if (info.getRole().equals("LEADER") && info.getTerm() > term) {
                    leader = n.id();
                    term = info.getTerm();
                }
            } catch (RuntimeException e) {
                // not answering: paused, cut off or starting
            }
        }
        return leader;
    }
}
