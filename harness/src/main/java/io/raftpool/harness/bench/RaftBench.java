package io.raftpool.harness.bench;

import io.raftpool.api.AdminClient;
import io.raftpool.config.NodeConfig;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.RaftInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Raft figures of a local cluster (2 PostgreSQL servers + a witness, default settings):
 * <ul>
 * <li>re-election: the leader agent is killed with SIGKILL; time until another agent reports
 * itself leader (polled every 5 ms). The killed agent is restarted and caught up between runs.
 * <li>commit latency: one state change (detach-node / attach-node) from the CLI's client call to
 * its reply, which comes after the command is committed and applied on the leader.
 * </ul>
 * Usage: {@code java -cp cli/target/raftpool.jar io.raftpool.harness.bench.RaftBench [runs]}
 */
public final class RaftBench {
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("bench"))) {
            cluster.awaitHealthy(Duration.ofSeconds(120));
            System.out.println("commit latency (detach-node 1 / attach-node 1 through the admin API): "
                    + commitLatency(cluster, Math.max(runs, 20) * 5));
            System.out.println("re-election after SIGKILL of the leader agent: " + reelection(cluster, runs));
        }
    }

    static Stats commitLatency(LocalCluster cluster, int samples) {
        List<Double> ms = new ArrayList<>();
        AdminClient admin = cluster.admin();
        for (int i = 0; i < samples; i++) {
            NodeRequest r = NodeRequest.newBuilder().setNodeId(1).build();
            long start = System.nanoTime();
            ActionReply reply = i % 2 == 0 ? admin.detachNode(r) : admin.attachNode(r);
            ms.add((System.nanoTime() - start) / 1e6);
            if (!reply.getAccepted()) {
                throw new IllegalStateException("refused: " + reply.getMessage());
            }
        }
        if (samples % 2 == 1) {
            admin.attachNode(NodeRequest.newBuilder().setNodeId(1).build());
        }
        return Stats.of(ms);
    }

    static Stats reelection(LocalCluster cluster, int runs) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            int leader = awaitLeader(cluster, -1, Duration.ofSeconds(30));
            awaitAllFollowing(cluster, leader, Duration.ofSeconds(30));
            long start = System.nanoTime();
            cluster.agent(leader).kill();
            long killed = System.nanoTime();
            int next = awaitLeader(cluster, leader, Duration.ofSeconds(30));
            double took = (System.nanoTime() - killed) / 1e6;
            ms.add(took);
            System.out.printf("  run %2d: leader %d killed (%.0f ms to reap), node %d leads after %.0f ms%n", i + 1, leader,
                    (killed - start) / 1e6, next, took);
            cluster.agent(leader).start();
        }
        return Stats.of(ms);
    }

    /** The node that reports itself leader (other than {@code not}), polling every 5 ms. */
    static int awaitLeader(LocalCluster cluster, int not, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (NodeConfig n : cluster.config().nodes()) {
                if (n.id() == not) {
                    continue;
                }
                Optional<RaftInfo> info = raftInfo(cluster, n);
                if (info.isPresent() && info.get().getRole().equals("LEADER")) {
                    return n.id();
                }
            }
            pause(5);
        }
        throw new IllegalStateException("no leader within " + timeout);
    }

    static void awaitAllFollowing(LocalCluster cluster, int leader, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = cluster.config().nodes().stream().allMatch(n -> raftInfo(cluster, n)
                    .map(i -> i.getLeaderId() == leader && i.getMajorityContactAgeMs() >= 0
                            && i.getMajorityContactAgeMs() < 1000).orElse(false));
            if (all) {
                return;
            }
            pause(20);
        }
        throw new IllegalStateException("not every agent follows node " + leader + " within " + timeout);
    }

    static Optional<RaftInfo> raftInfo(LocalCluster cluster, NodeConfig n) {
        try {
            return Optional.of(cluster.admin().getRaftInfo(n.adminAddress()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
