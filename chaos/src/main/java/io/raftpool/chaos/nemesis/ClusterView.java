package io.raftpool.chaos.nemesis;

import io.raftpool.api.AdminClient;
import io.raftpool.config.NodeConfig;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.ClusterState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster as the nemesis sees it: which agent leads, the committed state as the leader
 * knows it, and the facts that faults are aimed by ({@link Targets.Facts}).
 */
final class ClusterView {
    private final LocalCluster cluster;
    private final Map<Integer, AdminClient> leaderClients = new HashMap<>();

    ClusterView(LocalCluster cluster) {
        this.cluster = cluster;
    }

    Targets.Facts facts() {
        Set<Integer> running = new TreeSet<>();
        for (NodeConfig n : cluster.config().postgresNodes()) {
            if (cluster.postgres(n.id()).isRunning()) {
                running.add(n.id());
            }
        }
        int leader = leader();
        return new Targets.Facts(freshState(leader).orElse(null), leader, running, allNodes());
    }

    /**
     * The committed state as the Raft leader knows it: an agent just back from a partition or a
     * pause answers with what it knew before, and healing on that would undo a failover.
     * Falls back to any agent when no leader is known.
     */
    Optional<ClusterState> freshState() {
        return freshState(leader());
    }

    Optional<ClusterState> freshState(int leader) {
        if (leader >= 0) {
            try {
                return Optional.of(leaderClient(leader).getState().getState());
            } catch (RuntimeException e) {
                // it stopped leading or answering a moment ago: any agent will do
            }
        }
        return cluster.state();
    }

    private synchronized AdminClient leaderClient(int node) {
        return leaderClients.computeIfAbsent(node, n -> AdminClient.connect(List.of(
                cluster.config().requireNode(n).adminAddress()), Duration.ofSeconds(2)));
    }

    /** Closes the admin clients opened to leaders. */
    synchronized void close() {
        leaderClients.values().forEach(AdminClient::close);
        leaderClients.clear();
    }

    /** The node that says it is the Raft leader in the newest term, -1 when none does. */
    int leader() {
        return cluster.raftLeader();
    }

    List<Integer> allNodes() {
        return cluster.config().nodes().stream().map(NodeConfig::id).sorted().toList();
    }
}
