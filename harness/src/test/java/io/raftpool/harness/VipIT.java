package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The virtual IP with real kernel networking (issue 4): every node in its own network
 * namespace on one bridge, a client in another; the client uses only VIP:6432, as it would in
 * production. Each test has its own cluster (2 PostgreSQL nodes, a witness, a proxy per node):
 * a failover in one must not leave the other without a standby.
 */
class VipIT {
    private static final Duration START = Duration.ofSeconds(180);
    /** How fast the VIP must move; measured about 2 s (see the "VipIT:" lines in the test output). */
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Duration RECOVERY = Duration.ofSeconds(60);
    private static final int RW_PORT = 6432;
    private static final int RO_PORT = 6433;
    private static final long SAMPLE_MS = 50;

    private NamespacedCluster c;
    private NetworkLab lab;
    private LocalCluster cluster;
    private RelayedAdmin admin;
    private String vip;

    @BeforeEach
    void startClusterInNamespaces() {
        Optional<String> why = NetworkLab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "VipIT skipped: it needs network namespaces, and " + why.orElse(""));
        String arping = NetworkLab.arpingTemplate();
        c = NamespacedCluster.start(3, l -> LocalCluster.options().name("vip").proxies(true)
                .proxyPorts(RW_PORT, RO_PORT)
                .set("vip", "address", l.plan().freeAddress() + "/" + NetworkPlan.PREFIX_LENGTH)
                .set("vip", "interface", NetworkPlan.INTERFACE)
                .set("vip", "arping_command", arping));
        lab = c.lab();
        cluster = c.cluster();
        admin = c.admin();
        vip = lab.plan().freeAddress();
        admin.awaitHealthy(START);
    }

    @AfterEach
    void removeEverything() {
        if (c == null) {
            return;
        }
        String prefix = c.lab().plan().prefix();
        c.close();
        assertThat(NetworkLab.namespacesStartingWith(prefix)).as("namespaces left behind").isEmpty();
    }

    @Test
    void whenTheLeaderAgentIsKilledTheVipMovesToTheNewLeaderAndTheRestartedAgentReleasesIt() {
        int oldLeader = awaitVipOnLeaderOnly(RECOVERY);
        assertClientWritesOnThePrimaryThroughTheVip(BOUND);

        long killedAt = System.nanoTime();
        cluster.agent(oldLeader).kill();
        report("killed leader agent " + oldLeader);
        int newHolder = awaitHolderOtherThan(oldLeader, BOUND.multipliedBy(3));
        long moveMs = msSince(killedAt);
        report("VIP moved after SIGKILL of leader agent " + oldLeader + " to node " + newHolder + " in " + moveMs + " ms");
        assertThat(moveMs).as("time for the VIP to reach the new leader").isLessThan(BOUND.toMillis());
        assertThat(admin.leader()).as("the new holder is the raft leader").isEqualTo(OptionalInt.of(newHolder));

        // SIGKILL gave the dead agent no chance to drop the address, and its node (kernel, proxy)
        // is still up, so the address is on two interfaces now: S5 binds agents that run (one
        // that cannot confirm its leadership drops the VIP), and nothing runs on that node to
        // drop it. What raftpool does for a killed agent is release the VIP when it starts again
        // (VipManager.start; restarting is its supervisor's job), and that is what is checked.
        // This assertion documents the gap; it fails, to be updated, once something closes it.
        assertThat(lab.nodesHolding(vip)).as("the killed agent's node still has the address").contains(oldLeader);
        long restartedAt = System.nanoTime();
        cluster.agent(oldLeader).start();
        awaitUntil("the restarted agent " + oldLeader + " releases the VIP", RECOVERY,
                () -> lab.nodesHolding(vip).equals(Set.of(newHolder)));
        report("the restarted agent " + oldLeader + " released the VIP " + msSince(restartedAt) + " ms after its start");

        assertThat(awaitVipOnLeaderOnly(BOUND)).isEqualTo(newHolder);
        // RECOVERY: when the killed agent ran beside the primary, its restart can fence that
        // primary (no contact with the majority yet) and a failover follows
        assertClientWritesOnThePrimaryThroughTheVip(RECOVERY);
        admin.awaitState("node " + newHolder + " committed as the VIP holder", BOUND,
                s -> s.getVip().getNodeId() == newHolder);
    }

    @Test
    void aLeaderCutOffFromTheMajorityDropsTheVipBeforeAnotherNodeTakesIt() {
        int oldLeader = awaitVipOnLeaderOnly(RECOVERY);
        awaitUntil("every agent answering", RECOVERY,
                () -> cluster.config().nodes().stream().allMatch(n -> admin.raftInfo(n.id()).isPresent()));
        VipSampler sampler = new VipSampler();
        sampler.start();
        int newHolder;
        try {
            long cutAt = System.nanoTime();
            lab.cut(oldLeader);
            report("cut node " + oldLeader + " (the leader) off the network");
            try {
                awaitUntil("node " + oldLeader + " (cut off) drops the VIP", BOUND.multipliedBy(3),
                        () -> !lab.nodesHolding(vip).contains(oldLeader));
                long dropMs = msSince(cutAt);
                newHolder = awaitHolderOtherThan(oldLeader, BOUND.multipliedBy(3));
                long takeMs = msSince(cutAt);
                report("leader " + oldLeader + " cut off: it dropped the VIP after " + dropMs + " ms; node " + newHolder
                        + " took it after " + takeMs + " ms (no holder for about " + (takeMs - dropMs) + " ms)");
                assertThat(dropMs).as("time for the cut-off leader to drop the VIP").isLessThan(BOUND.toMillis());
                assertThat(takeMs).as("time for another node to take the VIP").isLessThan(BOUND.toMillis());
                assertThat(admin.leader()).as("the new holder is the raft leader").isEqualTo(OptionalInt.of(newHolder));
                // a failover may be needed first (the cut-off node may have been the primary's)
                assertClientWritesOnThePrimaryThroughTheVip(RECOVERY);
                admin.awaitState("node " + newHolder + " committed as the VIP holder", BOUND,
                        st -> st.getVip().getNodeId() == newHolder);
            } finally {
                lab.heal(oldLeader);
            }
            awaitVipOnLeaderOnly(RECOVERY);
        } finally {
            sampler.stop();
        }
        assertThat(sampler.samples).as("VIP samples taken during the transition").hasSizeGreaterThan(20);
        assertThat(sampler.samples).as("samples where two namespaces had the VIP at once")
                .allSatisfy(holders -> assertThat(holders).hasSizeLessThanOrEqualTo(1));
        assertThat(sampler.samples).as("the VIP was seen on the new holder").anyMatch(h -> h.equals(Set.of(newHolder)));
    }

    /** Waits until exactly one namespace has the VIP and it is the Raft leader's; returns that node. */
    private int awaitVipOnLeaderOnly(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing seen";
        while (System.nanoTime() < deadline) {
            Set<Integer> holders = lab.nodesHolding(vip);
            OptionalInt leader = admin.leader();
            if (leader.isPresent() && holders.equals(Set.of(leader.getAsInt()))) {
                return leader.getAsInt();
            }
            last = "leader " + leader + ", VIP on " + holders;
            LocalCluster.pause(100);
        }
        throw new AssertionError("the VIP was not on the raft leader's node alone within " + timeout.toSeconds()
                + " s; last seen: " + last + "; logs in " + cluster.dir().resolve("logs"));
    }

    private int awaitHolderOtherThan(int node, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (int h : lab.nodesHolding(vip)) {
                if (h != node) {
                    return h;
                }
            }
            LocalCluster.pause(SAMPLE_MS);
        }
        throw new AssertionError("no node other than " + node + " took the VIP within " + timeout.toSeconds()
                + " s; logs in " + cluster.dir().resolve("logs"));
    }

    /**
     * The client, through VIP:rw only, writes, and the server that took the write is the
     * committed primary. The state is read before and after the write and must name the same
     * active primary in both: a failover in between (e.g. one that a restarted agent causes)
     * makes the check try again, a write on any other server fails it.
     */
    private void assertClientWritesOnThePrimaryThroughTheVip(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing tried";
        while (System.nanoTime() < deadline) {
            // only a state its agent vouches for: a restarted agent serves an old one for a while
            Optional<ClusterState> before = admin.freshState(Duration.ofSeconds(1));
            Exec.Result write = psqlThroughVip("set client_min_messages = warning",
                    "create table if not exists vip_writes (id serial primary key, note text)",
                    "insert into vip_writes (note) values ('through the vip') returning host(inet_server_addr())");
            Optional<ClusterState> after = admin.freshState(Duration.ofSeconds(1));
            OptionalInt primary = samePrimary(before, after);
            if (write.ok() && primary.isPresent()) {
                assertThat(write.output().strip()).as("the server that took a write through the VIP")
                        .isEqualTo(lab.nodeAddress(primary.getAsInt()));
                return;
            }
            last = "psql: " + write.output().strip() + "; state: " + after.map(ClusterHealth::summary).orElse("none");
            LocalCluster.pause(200);
        }
        throw new AssertionError("the client did not write on the primary through " + vip + ":" + RW_PORT + " within "
                + timeout.toSeconds() + " s; last: " + last + "; VIP on " + lab.nodesHolding(vip)
                + "; logs in " + cluster.dir().resolve("logs"));
    }

    private static OptionalInt samePrimary(Optional<ClusterState> before, Optional<ClusterState> after) {
        if (before.isEmpty() || after.isEmpty()) {
            return OptionalInt.empty();
        }
        var a = before.get().getPrimary();
        var b = after.get().getPrimary();
        boolean stable = a.getPhase() == PrimaryPhase.ACTIVE && b.getPhase() == PrimaryPhase.ACTIVE
                && a.getNodeId() == b.getNodeId() && a.getEpoch() == b.getEpoch();
        return stable ? OptionalInt.of(b.getNodeId()) : OptionalInt.empty();
    }

    private Exec.Result psqlThroughVip(String... statements) {
        List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1"));
        for (String sql : statements) {
            cmd.add("-c");
            cmd.add(sql);
        }
        cmd.add("host=" + vip + " port=" + RW_PORT + " user=postgres dbname=postgres connect_timeout=3");
        return lab.exec(lab.clientNamespace(), Duration.ofSeconds(15), cmd);
    }

    private void awaitUntil(String what, Duration timeout, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            LocalCluster.pause(SAMPLE_MS);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + "; VIP on " + lab.nodesHolding(vip) + "; logs in " + cluster.dir().resolve("logs"));
    }

    private static long msSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void report(String line) {
        System.out.println("VipIT: " + java.time.LocalTime.now() + " " + line); // the time, to match the agents' logs
    }

    /** Which namespaces hold the VIP, every ~50 ms, on its own thread, for at most five minutes. */
    private final class VipSampler {
        final List<Set<Integer>> samples = new CopyOnWriteArrayList<>();
        private final Thread thread = new Thread(this::run, "vip-sampler");
        private volatile boolean stop;
        private volatile RuntimeException failure;

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            try {
                while (!stop && System.nanoTime() < end) {
                    samples.add(lab.nodesHolding(vip));
                    Thread.sleep(SAMPLE_MS); // the sampling rate, not a wait for anything
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        void stop() {
            stop = true;
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
