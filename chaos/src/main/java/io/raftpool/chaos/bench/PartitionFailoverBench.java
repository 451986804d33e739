package io.raftpool.chaos.bench;

import io.raftpool.chaos.net.NetFilter;
import io.raftpool.chaos.net.Partitions;
import io.raftpool.harness.LocalCluster;
import io.raftpool.harness.bench.FailoverBench;
import io.raftpool.proto.RaftInfo;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Failover time after the primary's node is cut off from the others (issue 17), with the chaos
 * tool's rules (each node's processes in a cgroup, iptables drops the packets between nodes;
 * the bench's client, outside every node, still reaches the proxies). {@code partition}: the
 * Raft leader is on another node; {@code partition-leader}: the primary's node holds the leader
 * too, so a new leader must be elected first. The leader is moved by restarting agents cleanly
 * (a restart window: no failover). Phases and figures as {@link FailoverBench} prints them.
 *
 * <p>Usage: {@code bench/run.sh failover [runs] partition|partition-leader} (root, iptables, cgroup v2).
 */
public final class PartitionFailoverBench {
    private static final Duration BUDGET = Duration.ofSeconds(60);

    private PartitionFailoverBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String name = args.length > 1 ? args[1] : "partition";
        boolean leaderOnPrimary = name.equals("partition-leader");
        Map<Integer, String> addresses = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            addresses.put(i, "127.0.0." + (11 + i));
        }
        String runId = "bench" + ProcessHandle.current().pid();
        try (NetFilter net = NetFilter.setup(runId, addresses, System.out::println);
             LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("partbench").proxies(true)
                     .distinctLoopbackAddresses().postgresNodes(2).witnesses(1).processPrefix(net.processPrefix()))) {
            FailoverBench.runAll(cluster, name, runs, new FailoverBench.Fault() {
                @Override
                public void prepare(LocalCluster c, int primary) {
                    placeLeader(c, primary, leaderOnPrimary);
                }

                @Override
                public void inject(LocalCluster c, int primary, long postmaster) {
                    net.block(Partitions.isolate(Set.of(primary), addresses.keySet()));
                }

                @Override
                public void heal(LocalCluster c, int primary) {
                    net.heal();
                }
            });
        }
    }

    /** Restarts agents cleanly until the Raft leader is (or is not) on the primary's node. */
    static void placeLeader(LocalCluster cluster, int primary, boolean onPrimary) {
        for (int attempt = 0; attempt < 10; attempt++) {
            int leader = awaitLeader(cluster);
            if ((leader == primary) == onPrimary) {
                return;
            }
            // restart the leader when it is where it should not be; otherwise a node that is neither
            int victim = onPrimary ? leader : primary;
            cluster.agent(victim).stop(Duration.ofSeconds(20));
            cluster.awaitState("a leader other than node " + victim, BUDGET, s -> {
                int now = cluster.raftLeader();
                return now >= 0 && now != victim;
            });
            cluster.agent(victim).start();
            cluster.awaitState("agent " + victim + " back", BUDGET, s -> ask(cluster, victim).getLeaderId() >= 0);
            cluster.awaitHealthy(BUDGET);
        }
        throw new IllegalStateException("could not place the Raft leader " + (onPrimary ? "on" : "off") + " node " + primary);
    }

    private static int awaitLeader(LocalCluster cluster) {
        cluster.awaitState("a Raft leader", BUDGET, s -> cluster.raftLeader() >= 0);
        return cluster.raftLeader();
    }

    private static RaftInfo ask(LocalCluster cluster, int node) {
        return cluster.admin().getRaftInfo(cluster.config().requireNode(node).adminAddress());
    }
}
