package io.raftpool.server.local;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.config.ReplicationSettings;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.ProbeResult;
import io.raftpool.server.postgres.SlotNames;
import io.raftpool.server.raft.StateHub;
import io.raftpool.server.state.ClusterStates;
import io.raftpool.server.time.Clocks;
import java.time.Duration;

/**
 * This agent's own PostgreSQL server, with what every local duty reads beside it: the cluster
 * configuration, this node, the state applied here and the clocks.
 */
record OwnServer(ClusterConfig config, NodeConfig self, PostgresServer pg, StateHub hub, Clocks clocks) {
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    static final Duration COPY_TIMEOUT = Duration.ofHours(12);

    int id() {
        return self.id();
    }

    ClusterState state() {
        return hub.current().state();
    }

    /** The replication slot on the primary that this server streams through. */
    String slot() {
        return SlotNames.forNode(self.name());
    }

    /** Asks the server now, with the health check's timeout. */
    ProbeResult probe() {
        return pg.probe(config.healthCheck().timeout());
    }

    boolean strictSync() {
        return config.replication().syncPolicy() == ReplicationSettings.SyncPolicy.STRICT;
    }

    static NodeInfo node(ClusterState s, int id) {
        return ClusterStates.node(s, id).orElseThrow(() -> new IllegalStateException("node " + id + " is not in the state"));
    }
}
