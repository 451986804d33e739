package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.api.AdminClient;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeRequest;
import io.raftpool.server.raft.ApplyStall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A member whose Raft log cannot follow the leader's sets it aside and copies the log again,
 * in the same process. Ratis leaves a member so when it holds a committed entry the leader's
 * log does not have (seen after start-up election storms); here that member's storage is
 * taken from another cluster of the same name whose first term is longer than this one's: its
 * committed entries conflict with this cluster's later terms, so Ratis can neither truncate
 * them nor send it anything it accepts, and this cluster's log is longer, so the leader is ahead.
 */
class RaftResyncIT {
    private static final Duration BUDGET = Duration.ofSeconds(90);
    private static final String NAME = "resync";
    private static final int VICTIM = 2; // the witness
    /** Detach-attach rounds of the other cluster's first term; this one makes twice as many. */
    private static final int OTHER_ROUNDS = 15;

    @Test
    void aMemberWhoseCommittedLogConflictsWithTheLeadersSetsItAsideAndFollowsAgain() throws Exception {
        Path otherDir = Files.createTempDirectory(Path.of("/tmp"), "raftpool-other-");
        try {
            longFirstTerm(otherDir);
            long otherTerm = lastTerm(otherDir.resolve("node" + VICTIM + "/agent/raft"));
            try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name(NAME).proxies(false)
                    .processPrefix(n -> List.of("env", "JAVA_TOOL_OPTIONS=-D" + ApplyStall.LIMIT_PROPERTY + "=3000")))) {
                cluster.awaitHealthy(Duration.ofSeconds(120));
                // Later terms than the other cluster's: the copied log must not win an election here.
                while (FailoverIT.raftTerm(cluster) <= otherTerm) {
                    int leader = FailoverIT.leaderOtherThan(cluster, -1);
                    cluster.agent(leader).kill();
                    cluster.awaitState("a new leader", BUDGET, st -> FailoverIT.currentLeader(cluster) >= 0
                            && FailoverIT.currentLeader(cluster) != leader);
                    cluster.agent(leader).start();
                }
                cluster.awaitHealthy(Duration.ofSeconds(120));
                for (int i = 0; i < 2 * OTHER_ROUNDS; i++) {
                    detachAndAttach(cluster.admin());
                }
                int leader = FailoverIT.leaderOtherThan(cluster, VICTIM);
                NodeConfig victim = cluster.config().requireNode(VICTIM);
                cluster.agent(VICTIM).stop(Duration.ofSeconds(10));
                replace(victim.agentDir().resolve("raft"), otherDir.resolve("node" + VICTIM + "/agent/raft"));
                cluster.agent(VICTIM).start();
                long pid = cluster.agent(VICTIM).pid();
                NodeConfig leaderNode = cluster.config().requireNode(leader);

                cluster.awaitState("agent " + VICTIM + " holding the leader's state", BUDGET, st -> {
                    ClusterState own = RaftGroupIT.stateOf(cluster, victim);
                    return own.getNextEventSeq() > 0 && own.equals(RaftGroupIT.stateOf(cluster, leaderNode));
                });

                assertThat(Files.readString(cluster.agent(VICTIM).log()))
                        .contains("this member's raft log cannot follow the leader's");
                try (Stream<Path> entries = Files.list(victim.agentDir())) {
                    assertThat(entries.map(p -> p.getFileName().toString()))
                            .as("the old raft storage is kept for the operator").anyMatch(n -> n.startsWith("raft-set-aside-"));
                }
                assertThat(cluster.agent(VICTIM).isAlive()).isTrue();
                assertThat(cluster.agent(VICTIM).pid()).as("started again in the same process").isEqualTo(pid);
            }
        } finally {
            new ProcessBuilder("rm", "-rf", otherDir.toString()).inheritIO().start().waitFor();
        }
    }

    /**
     * Runs another cluster of the same name through a first term with many committed entries,
     * every member holding them.
     */
    private static void longFirstTerm(Path dir) {
        try (LocalCluster other = LocalCluster.start(LocalCluster.options().name(NAME).proxies(false).dir(dir))) {
            other.awaitHealthy(Duration.ofSeconds(120));
            for (int i = 0; i < OTHER_ROUNDS; i++) {
                detachAndAttach(other.admin());
            }
            int leader = FailoverIT.leaderOtherThan(other, -1);
            NodeConfig leaderNode = other.config().requireNode(leader);
            other.awaitState("every member holding the leader's state", BUDGET, st -> other.config().nodes().stream()
                    .allMatch(n -> RaftGroupIT.stateOf(other, n).equals(RaftGroupIT.stateOf(other, leaderNode))));
        }
    }

    /** The term a stopped member last knew, from its Raft metadata ({@code term=N}). */
    private static long lastTerm(Path raftDir) throws IOException {
        try (Stream<Path> files = Files.walk(raftDir)) {
            Path meta = files.filter(p -> p.getFileName().toString().equals("raft-meta")).findFirst().orElseThrow();
            return Files.readAllLines(meta).stream().filter(l -> l.startsWith("term="))
                    .mapToLong(l -> Long.parseLong(l.substring("term=".length()).trim())).findFirst().orElseThrow();
        }
    }

    private static void detachAndAttach(AdminClient admin) {
        NodeRequest standby = NodeRequest.newBuilder().setNodeId(1).build();
        assertThat(admin.detachNode(standby).getAccepted()).isTrue();
        assertThat(admin.attachNode(standby).getAccepted()).isTrue();
    }

    private static void replace(Path target, Path with) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("rm", "-rf", target.toString()).inheritIO().start().waitFor()).isZero();
        assertThat(new ProcessBuilder("cp", "-a", with.toString(), target.toString()).inheritIO().start().waitFor()).isZero();
    }
}
