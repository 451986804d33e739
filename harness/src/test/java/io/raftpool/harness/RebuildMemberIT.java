package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.api.AdminClient;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.RaftInfo;
import io.raftpool.server.raft.MemberStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * rebuild-member: a member whose agent_dir was lost does not vote with an empty log; the
 * operator's rebuild-member takes it out of the voters, it rejoins as a listener and votes
 * again once it caught up. A running member is rebuilt in place, its old storage set aside.
 * And the refusals: the leader, an unknown node, and a rebuild that would leave no following
 * majority.
 */
class RebuildMemberIT {
    private static final Duration BUDGET = Duration.ofSeconds(90);

    @Test
    void aLostAgentDirIsRebuiltThroughAMembershipChangeAndARunningMemberInPlace() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("rebuild").proxies(false))) {
            cluster.awaitHealthy(Duration.ofSeconds(120));
            AdminClient admin = cluster.admin();
            int leader = FailoverIT.leaderOtherThan(cluster, -1);
            int victim = leader == 2 ? 1 : 2;
            int third = 3 - leader - victim;
            awaitVoters(cluster, List.of(0, 1, 2));

            ActionReply ofLeader = admin.rebuildMember(request(leader));
            assertThat(ofLeader.getAccepted()).isFalse();
            assertThat(ofLeader.getMessage()).contains("is the Raft leader");
            ActionReply unknown = admin.rebuildMember(request(7));
            assertThat(unknown.getAccepted()).isFalse();
            assertThat(unknown.getMessage()).contains("not in the cluster");

            // with another voter down, taking the victim out would leave no following majority
            cluster.agent(third).stop(Duration.ofSeconds(10));
            ActionReply noMajority = admin.rebuildMember(request(victim));
            assertThat(noMajority.getAccepted()).isFalse();
            assertThat(noMajority.getMessage()).contains("bring back [" + third + "]");
            cluster.agent(third).start();
            awaitRaftInfo(cluster.config().requireNode(third), "node " + third + " following again",
                    i -> "FOLLOWER".equals(i.getRole()) && i.getVotersList().contains(third) && i.getBehindEntries() == 0);

            // the victim's agent_dir is lost while its agent is down: it must not vote empty
            NodeConfig v = cluster.config().requireNode(victim);
            cluster.agent(victim).stop(Duration.ofSeconds(10));
            ClusterDir.deleteTree(v.agentDir().resolve("raft"));
            detachAndAttach(admin);
            cluster.agent(victim).start();
            RaftInfo waiting = awaitRaftInfo(v, "waiting for rebuild-member", i -> MemberStart.WAITING_ROLE.equals(i.getRole())
                    && i.getWaitingFor().contains("rebuild-member " + victim));
            assertThat(waiting.getVotersCount()).isZero();

            // a loaded machine may hold an election or an answer past the check's wait: refused
            // with a reason then, as an operator would be, and asked again
            ActionReply rebuilt = askUntilNoMajorityRefusal(() ->
                    admin.rebuildMember(request(victim).toBuilder().setTimeoutMs(60_000).build()));
            assertThat(rebuilt.getAccepted()).as(rebuilt.getMessage()).isTrue();
            awaitVoters(cluster, List.of(0, 1, 2));
            awaitSameState(cluster);

            // a running member, rebuilt in place: its agent sets the storage aside and rejoins. The
            // leader is refused (tested above); an election under load may have made it that one:
            // move leadership away first, as the refusal tells an operator to
            FailoverIT.leaderOtherThan(cluster, third);
            awaitVoters(cluster, List.of(0, 1, 2));
            long pid = cluster.agent(third).pid();
            ActionReply inPlace = askUntilNoMajorityRefusal(() ->
                    admin.rebuildMember(request(third).toBuilder().setTimeoutMs(60_000).build()));
            assertThat(inPlace.getAccepted()).as(inPlace.getMessage()).isTrue();
            assertThat(inPlace.getMessage()).contains("set its raft storage aside");
            assertThat(cluster.agent(third).pid()).as("started again in the same process").isEqualTo(pid);
            try (Stream<Path> entries = Files.list(cluster.config().requireNode(third).agentDir())) {
                assertThat(entries.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("raft-rebuilt-"));
            }
            awaitVoters(cluster, List.of(0, 1, 2));
            detachAndAttach(admin);
            awaitSameState(cluster);
        }
    }

    private static NodeRequest request(int id) {
        return NodeRequest.newBuilder().setNodeId(id).setTimeoutMs(10_000).build();
    }

    /** A commit through the group: the standby (whichever it is now) detached and attached again. */
    private static void detachAndAttach(AdminClient admin) {
        ClusterState s = admin.getState().getState();
        int primary = s.getPrimary().getNodeId();
        int id = s.getNodesList().stream().filter(n -> !n.getWitness() && n.getId() != primary).findFirst().orElseThrow().getId();
        NodeRequest standby = NodeRequest.newBuilder().setNodeId(id).build();
        ActionReply detached = admin.detachNode(standby);
        assertThat(detached.getAccepted()).as(detached.getMessage()).isTrue();
        ActionReply attached = admin.attachNode(standby);
        assertThat(attached.getAccepted()).as(attached.getMessage()).isTrue();
    }

    private static RaftInfo raftInfo(NodeConfig n) {
        try (AdminClient one = AdminClient.connect(List.of(n.adminAddress()), Duration.ofSeconds(2))) {
            return one.getRaftInfo(n.adminAddress());
        }
    }

    private static RaftInfo awaitRaftInfo(NodeConfig n, String what, java.util.function.Predicate<RaftInfo> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        RaftInfo last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = raftInfo(n);
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                // not answering yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; last raft view of node " + n.id() + ": " + last);
    }

    /** Every agent reports the same voters, none of them a listener. */
    private static void awaitVoters(LocalCluster cluster, List<Integer> voters) throws InterruptedException {
        for (NodeConfig n : cluster.config().nodes()) {
            awaitRaftInfo(n, "voters " + voters + ", in contact with the majority", i -> i.getVotersList().stream().sorted()
                    .toList().equals(voters) && i.getListenersCount() == 0 && !i.getJoining()
                    && i.getMajorityContactAgeMs() >= 0 && i.getMajorityContactAgeMs() < 2000);
        }
    }

    private static void awaitSameState(LocalCluster cluster) {
        cluster.awaitState("every agent holding the leader's state", BUDGET, st -> {
            ClusterState first = null;
            for (NodeConfig n : cluster.config().nodes()) {
                ClusterState s = RaftGroupIT.stateOf(cluster, n);
                if (first == null) {
                    first = s;
                } else if (!s.equals(first)) {
                    return false;
                }
            }
            return first != null && first.getNextEventSeq() > 0;
        });
    }

    /** The reply, asked again for up to 30 s while it is the transient "bring back" refusal. */
    private static ActionReply askUntilNoMajorityRefusal(java.util.function.Supplier<ActionReply> ask) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ActionReply reply = ask.get();
        while (!reply.getAccepted() && reply.getMessage().contains("bring back") && System.nanoTime() < deadline) {
            LocalCluster.pause(500);
            reply = ask.get();
        }
        return reply;
    }
}
