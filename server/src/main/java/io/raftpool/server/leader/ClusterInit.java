package io.raftpool.server.leader;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.config.ReplicationSettings;
import io.raftpool.proto.InitCluster;
import io.raftpool.proto.NodeInfo;

/** The first command of a cluster's log: its nodes, from the config. */
public final class ClusterInit {
    private ClusterInit() {}

    public static InitCluster fromConfig(ClusterConfig config) {
        InitCluster.Builder b = InitCluster.newBuilder()
                .setClusterName(config.name())
                .setConfigVersion(1)
                .setBootstrapPrimary(config.bootstrapPrimary())
                .setSyncMode(config.replication().mode() == ReplicationSettings.Mode.SYNC)
                .setQuorumCount(config.replication().mode() == ReplicationSettings.Mode.QUORUM
                        ? config.replication().syncCount() : 0);
        for (NodeConfig n : config.nodes()) {
            b.addNodes(nodeInfo(n));
        }
        return b.build();
    }

    public static NodeInfo nodeInfo(NodeConfig n) {
        NodeInfo.Builder b = NodeInfo.newBuilder()
                .setId(n.id())
                .setName(n.name())
                .setHost(n.host())
                .setRaftPort(n.raftPort())
                .setAdminPort(n.adminPort())
                .setWitness(n.witness());
        n.proxy().ifPresent(p -> b.setProxyRwPort(p.rwPort()).setProxyRoPort(p.roPort()));
        n.postgres().ifPresent(pg -> b.setPgPort(pg.port()).setPgDataDir(pg.dataDir().toString())
                .setPriority(pg.priority()).setNofailover(pg.nofailover()));
        return b.build();
    }
}
