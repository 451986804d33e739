package io.raftpool.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The rules between sections, checked once every section and node is read: the bootstrap
 * primary is a node with PostgreSQL, and the timings that the safety properties rest on are
 * ordered (an election is shorter than fencing; a proxy stops routing before a promotion).
 */
final class SectionRules {
    private SectionRules() {}

    static void check(Optional<Integer> bootstrapPrimary, List<NodeConfig> nodes, RaftSettings raft,
                      FailoverSettings failover, ProxySettings proxy, ReplicationSettings replication,
                      List<String> problems) {
        long servers = nodes.stream().filter(n -> !n.witness()).count();
        if (replication.mode() == ReplicationSettings.Mode.QUORUM && !nodes.isEmpty()
                && replication.syncCount() > servers - 1) {
            problems.add("replication.sync_count: " + replication.syncCount() + " is more than the " + (servers - 1)
                    + " standby(s) of this cluster's " + servers + " PostgreSQL node(s); allowed: "
                    + (servers > 1 ? "1 to " + (servers - 1) : "none (quorum mode needs at least 2 PostgreSQL nodes)"));
        }
        if (bootstrapPrimary.isPresent()) {
            int id = bootstrapPrimary.get();
            boolean ok = nodes.stream().anyMatch(n -> n.id() == id && !n.witness());
            if (!ok && !nodes.isEmpty()) {
                problems.add("cluster.bootstrap_primary: " + id + " is not the id of a node with PostgreSQL;"
                        + " allowed: " + nodes.stream().filter(n -> !n.witness()).map(NodeConfig::id).toList());
            }
        }
        if (raft.electionTimeoutMin().compareTo(raft.electionTimeoutMax()) >= 0) {
            problems.add("raft.election_timeout_min: " + YamlSection.format(raft.electionTimeoutMin())
                    + " must be shorter than raft.election_timeout_max (" + YamlSection.format(raft.electionTimeoutMax()) + ")");
        }
        Duration promoteWait = failover.fenceTimeout().plus(failover.fenceGrace());
        if (proxy.staleAfter().compareTo(promoteWait) >= 0) {
            problems.add("proxy.stale_after: " + YamlSection.format(proxy.staleAfter()) + " must be shorter than"
                    + " failover.fence_timeout + failover.fence_grace (" + YamlSection.format(promoteWait)
                    + "), or a cut-off proxy could still route writes to a fenced primary after another was promoted");
        }
        if (failover.fenceTimeout().compareTo(raft.electionTimeoutMax()) <= 0) {
            problems.add("failover.fence_timeout: " + YamlSection.format(failover.fenceTimeout())
                    + " must be longer than raft.election_timeout_max (" + YamlSection.format(raft.electionTimeoutMax())
                    + "), or a primary would be fenced by a mere leader election");
        }
    }
}
