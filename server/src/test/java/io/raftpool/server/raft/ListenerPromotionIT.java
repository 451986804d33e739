package io.raftpool.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftpool.proto.RaftInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link MemberGrowth}'s two-step promotion relies on in Ratis, with three real servers
 * over loopback. Members 1 and 2 start outside the configuration, as a member restarted during
 * its own promotion does: Ratis keeps such a member "initializing" (it receives the log but
 * cannot vote) until a leader's append says it has caught up. A leader says so only of members
 * staged in as voters, never of a listener made a voter in place; so after an in-place
 * promotion the leader's death leaves two members that cannot elect, and after MemberGrowth's
 * promotion they can.
 */
class ListenerPromotionIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final RaftGroupId GROUP = RaftGroupId.valueOf(java.util.UUID.nameUUIDFromBytes("promotion".getBytes()));

    private Path dir;
    private final List<RaftPeer> peers = new ArrayList<>();
    private final RaftServer[] servers = new RaftServer[3];

    @BeforeEach
    void startMembers() throws IOException {
        dir = Files.createTempDirectory("raftpool-promotion-");
        for (int i = 0; i < 3; i++) {
            peers.add(RaftPeer.newBuilder().setId("p" + i).setAddress("127.0.0.1:" + freePort()).build());
        }
        for (int i = 0; i < 3; i++) {
            // member 0 forms the group alone; the others start with the group's id and no peers
            servers[i] = RaftServer.newBuilder().setServerId(peers.get(i).getId())
                    .setGroup(RaftGroup.valueOf(GROUP, i == 0 ? List.of(peers.get(0)) : List.of()))
                    .setProperties(properties(i)).setStateMachine(new BaseStateMachine())
                    .setOption(RaftStorage.StartupOption.FORMAT).build();
            servers[i].start();
        }
        await().atMost(WAIT).until(() -> division(0).getInfo().isLeaderReady());
        assertThat(lifeCycle(1)).as("started outside the configuration").isEqualTo(LifeCycle.State.STARTING);
    }

    @AfterEach
    void stop() throws Exception {
        for (RaftServer s : servers) {
            if (s != null) {
                s.close();
            }
        }
        new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
    }

    @Test
    void aListenerMadeAVoterInPlaceCannotVoteAndTheGroupCannotElectWithoutItsLeader() throws Exception {
        setConfiguration(List.of(0), List.of(1, 2));
        awaitCaughtUp(1, 2);
        setConfiguration(List.of(0, 1, 2), List.of());
        await().atMost(WAIT).until(() -> voters(1).equals(List.of(0, 1, 2)) && voters(2).equals(List.of(0, 1, 2)));

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> lifeCycle(1) == LifeCycle.State.STARTING && lifeCycle(2) == LifeCycle.State.STARTING);
        servers[0].close();
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                .until(() -> !division(1).getInfo().isLeader() && !division(2).getInfo().isLeader());
    }

    @Test
    void membersPromotedByMemberGrowthVoteAndElectANewLeaderWhenTheFirstDies() throws Exception {
        List<Integer> promoting = new ArrayList<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<Integer> voters = voters(0);
            if (voters.equals(List.of(0, 1, 2))) {
                return true;
            }
            Map<Integer, RaftInfo> answers = new HashMap<>();
            for (int i = 1; i < 3; i++) {
                answers.put(i, RaftInfo.newBuilder().setNodeId(i).setRole(division(i).getInfo().getCurrentRole().name())
                        .setAppliedIndex(division(i).getInfo().getLastAppliedIndex()).addAllVoters(voters(i))
                        .setJoining(true).build());
            }
            Optional<MemberGrowth.Change> c = MemberGrowth.next(List.of(0, 1, 2), voters, listeners(0), answers,
                    division(0).getInfo().getLastAppliedIndex(), promoting);
            if (c.isPresent()) {
                setConfiguration(c.get().voters(), c.get().listeners());
                promoting.clear();
                promoting.addAll(c.get().promoting());
            }
            return false;
        });
        await().atMost(WAIT).until(() -> lifeCycle(1) == LifeCycle.State.RUNNING && lifeCycle(2) == LifeCycle.State.RUNNING);

        servers[0].close();
        await().atMost(WAIT).until(() -> division(1).getInfo().isLeader() || division(2).getInfo().isLeader());
    }

    private void awaitCaughtUp(int... ids) {
        await().atMost(WAIT).until(() -> {
            long leader = division(0).getInfo().getLastAppliedIndex();
            for (int id : ids) {
                if (division(id).getInfo().getLastAppliedIndex() < leader) {
                    return false;
                }
            }
            return true;
        });
    }

    private void setConfiguration(List<Integer> voters, List<Integer> listeners) throws IOException {
        try (RaftClient client = RaftClient.newBuilder().setProperties(new RaftProperties())
                .setRaftGroup(RaftGroup.valueOf(GROUP, peers.get(0))).build()) {
            RaftClientReply reply = client.admin().setConfiguration(
                    voters.stream().map(peers::get).toList(),
                    listeners.stream().map(id -> RaftPeer.newBuilder(peers.get(id))
                            .setStartupRole(org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER).build()).toList());
            assertThat(reply.isSuccess()).as("set configuration %s + listeners %s: %s", voters, listeners, reply).isTrue();
        }
    }

    private RaftServer.Division division(int id) throws IOException {
        return servers[id].getDivision(GROUP);
    }

    private LifeCycle.State lifeCycle(int id) throws IOException {
        return division(id).getInfo().getLifeCycleState();
    }

    private List<Integer> voters(int id) throws IOException {
        return ids(division(id).getRaftConf().getCurrentPeers());
    }

    private List<Integer> listeners(int id) throws IOException {
        return ids(division(id).getRaftConf().getCurrentPeers(org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER));
    }

    private static List<Integer> ids(java.util.Collection<RaftPeer> peers) {
        return peers.stream().map(p -> Integer.parseInt(p.getId().toString().substring(1))).sorted().toList();
    }

    private RaftProperties properties(int id) throws IOException {
        RaftProperties p = new RaftProperties();
        Path storage = dir.resolve("p" + id);
        Files.createDirectories(storage);
        RaftServerConfigKeys.setStorageDir(p, List.of(storage.toFile()));
        GrpcConfigKeys.Server.setHost(p, "127.0.0.1");
        GrpcConfigKeys.Server.setPort(p, Integer.parseInt(peers.get(id).getAddress().split(":")[1]));
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.LeaderElection.setMemberMajorityAdd(p, true);
        return p;
    }

    /**
     * A loopback port below the kernel's ephemeral range, in this fork's slice (the policy of the
     * harness's FreePorts, which server tests cannot reach): an ephemeral one can be handed to an
     * outgoing connection before Ratis binds it, and Ratis then exits the JVM (a fresh-clone run).
     */
    private static int freePort() throws IOException {
        int from = 10_000 + Math.floorMod(Integer.getInteger("raftpool.forkNumber", 0), 4) * 5_000;
        int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(5_000);
        for (int i = 0; i < 5_000; i++) {
            int port = from + (start + i) % 5_000;
            if (TAKEN.add(port)) {
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException busy) {
                    // the next one
                }
            }
        }
        throw new IOException("no free loopback port in " + from + "-" + (from + 4_999));
    }

    private static final java.util.Set<Integer> TAKEN = java.util.concurrent.ConcurrentHashMap.newKeySet();
}
