package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.Health;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.ClusterStates;
import io.raftpool.server.watchdog.WatchdogFiles;
import io.raftpool.server.watchdog.WatchdogStatus;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fence that outlives the agent (S6, issue 19): each PostgreSQL node's watchdog process
 * kills its server when the agent stops renewing the lease. On the main before the watchdog, a
 * node whose agent and postmaster both hung (a half-frozen host) was failed over after the
 * fencing wait while the old primary's open sessions went on committing: nobody killed it.
 */
class WatchdogIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Test
    void aPrimaryWhoseAgentAndPostmasterHangCommitsNothingForAnOpenSessionOnceAStandbyIsPromoted() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        FailoverIT.execute(cluster, 0, "create table w (id int primary key)");
        long postmaster = cluster.postgres(0).postmasterPid().orElseThrow();
        ManagedProcess agent = cluster.agent(0);
        try (DirectSessions.Writer writer = DirectSessions.Writer.start(cluster, 0, "w")) {
            cluster.awaitState("the direct session commits", BUDGET, st -> writer.acks.size() >= 5);
            agent.signal("STOP");
            Signals.send(postmaster, "STOP");
            try {
                ClusterState s = cluster.awaitState("node 1 promoted", BUDGET, st -> st.getPrimary().getNodeId() == 1
                        && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
                cluster.awaitState("the direct session ended", BUDGET, st -> writer.ended.get() != null);
                writer.stop();
                long began = failoverBegan(s);
                assertThat(writer.acks.stream().filter(a -> a.atMs() >= began).toList())
                        .as("commits the old primary acknowledged after the failover began at %d", began).isEmpty();
                assertThat(ProcessHandle.of(postmaster)).as("the old postmaster, killed by the watchdog").isEmpty();
            } finally {
                writer.halt();
                if (ProcessHandle.of(postmaster).isPresent()) {
                    Signals.send(postmaster, "CONT");
                }
                agent.signal("CONT");
            }
            ClusterState woke = cluster.awaitState("the woken agent reports what its watchdog did", BUDGET,
                    st -> thisTestsEvents(st).stream().anyMatch(e -> e.getKind().equals("fence")
                            && e.getMessage().contains("watchdog killed its PostgreSQL")));
            assertThat(woke.getPrimary().getNodeId()).isEqualTo(1);
        }
    }

    /**
     * The trade-off's other side: a planned restart of the primary's agent (SIGTERM, then start)
     * must cost no failover. The agent commits a restart window before it goes; the leader waits
     * it out, the watchdog keeps the server up through it, and the new agent takes over.
     */
    @Test
    void aPlannedRestartOfThePrimarysAgentCausesNoFailoverAndKeepsItsSessions() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        FailoverIT.execute(cluster, 0, "create table r (id int primary key)");
        long epoch = cluster.awaitHealthy(BUDGET).getPrimary().getEpoch();
        long postmaster = cluster.postgres(0).postmasterPid().orElseThrow();
        try (Connection direct = DriverManager.getConnection(cluster.jdbcUrl(0) + "&socketTimeout=5");
             Statement st = direct.createStatement()) {
            st.executeUpdate("insert into r values (0)");
            cluster.agent(0).stop(Duration.ofSeconds(20));
            cluster.awaitState("the restart window committed", BUDGET, s -> thisTestsEvents(s).stream()
                    .anyMatch(e -> e.getKind().equals("agent") && e.getMessage().contains("stops for a restart")));
            // longer than fence_timeout + fence_grace: without the window, the lease would run out and a failover follow
            int[] id = {1};
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        st.executeUpdate("insert into r values (" + id[0]++ + ")");
                        return cluster.state().map(s -> s.getPrimary().getEpoch() == epoch).orElse(true);
                    });
            cluster.agent(0).start();
            ClusterState back = cluster.awaitState("agent 0 back and its window closed", BUDGET, s ->
                    ClusterStates.backend(s, 0).orElseThrow().getAgentAwayMs() == 0 && thisTestsEvents(s).stream()
                            .anyMatch(e -> e.getKind().equals("agent") && e.getMessage().contains("is back")));
            st.executeUpdate("insert into r values (" + id[0] + ")");
            assertThat(back.getPrimary().getEpoch()).as("no failover").isEqualTo(epoch);
            assertThat(back.getPrimary().getNodeId()).isZero();
            assertThat(cluster.postgres(0).postmasterPid()).as("the same server ran throughout").hasValue(postmaster);
            assertThat(thisTestsEvents(back)).noneMatch(e -> e.getMessage().startsWith("failover begins"));
        }
    }

    /**
     * A stalled agent (here SIGSTOP; in CI a machine too busy to renew the lease in time) is
     * fenced by its watchdog. With no failover decided, the agent that wakes up must start its
     * primary again, as it does after a fence of its own: it is no operator's stop.
     */
    @Test
    void aPrimaryItsWatchdogFencedWhileItsAgentStalledIsStartedAgainWhenNoFailoverHappened() throws Exception {
        ClusterOptions options = LocalCluster.options().name("stall").proxies(false)
                .set("failover", "auto", false); // the leader must not fail over: only the restart is under test
        try (LocalCluster cluster = LocalCluster.start(options)) {
            long epoch = cluster.awaitHealthy(BUDGET).getPrimary().getEpoch();
            long agent = cluster.agent(0).pid();
            Signals.send(agent, "STOP");
            try {
                await().atMost(BUDGET).until(() -> !cluster.postgres(0).isRunning());
            } finally {
                Signals.send(agent, "CONT");
            }
            // The committed status is still the UP of before the stall and a postmaster runs while it starts
            // up: only its agent's probe after the committed restart says it accepts connections.
            ClusterState back = cluster.awaitState("node 0 started again and probed healthy as the primary", BUDGET,
                    st -> st.getPrimary().getNodeId() == 0 && restartedAndProbedHealthy(st, 0));
            assertThat(back.getPrimary().getEpoch()).isEqualTo(epoch);
            assertThat(back.getEventsList()).anyMatch(e -> e.getKind().equals("fence") && e.getNodeId() == 0);
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(0)); Statement st = c.createStatement()) {
                st.execute("create table after_fence (id int)");
            }
        }
    }

    private static boolean restartedAndProbedHealthy(ClusterState st, int node) {
        Optional<Event> restart = st.getEventsList().stream().filter(e -> e.getKind().equals("fence")
                && e.getNodeId() == node && e.getMessage().contains("starts its server again")).reduce((a, b) -> b);
        return restart.isPresent() && ClusterStates.observation(st, node, node)
                .filter(o -> o.getHealth() == Health.HEALTHY && o.getAtMs() >= restart.get().getAtMs()).isPresent();
    }

    @Test
    void aKilledWatchdogIsStartedAgainWithoutTouchingThePrimary() {
        LocalCluster cluster = SHARED.cluster();
        long epoch = cluster.awaitHealthy(BUDGET).getPrimary().getEpoch();
        long postmaster = cluster.postgres(0).postmasterPid().orElseThrow();
        WatchdogFiles files = WatchdogFiles.under(cluster.config().requireNode(0).agentDir());
        WatchdogStatus before = await().atMost(BUDGET).until(() -> files.readStatus().filter(WatchdogStatus::armed),
                Optional::isPresent).orElseThrow();

        Signals.send(before.pid(), "KILL");

        WatchdogStatus after = await().atMost(BUDGET).until(() -> files.readStatus()
                .filter(s -> s.pid() != before.pid() && s.armed() && ProcessHandle.of(s.pid()).isPresent()),
                Optional::isPresent).orElseThrow();
        assertThat(after.killed()).isZero();
        assertThat(cluster.postgres(0).postmasterPid()).hasValue(postmaster);
        assertThat(cluster.state().orElseThrow().getPrimary().getEpoch()).isEqualTo(epoch);
    }

    @Test
    void anAgentRequiredToUseAWatchdogDeviceThatIsNotThereRefusesToStartAndSaysWhatToLoad() throws Exception {
        try (LocalCluster cluster = LocalCluster.create(LocalCluster.options().name("wdrequired")
                .set("watchdog", "mode", "required").set("watchdog", "device", "/dev/raftpool-test-no-such-watchdog"))) {
            ManagedProcess agent = cluster.agent(0);
            agent.start();
            await().atMost(BUDGET).until(() -> !agent.isAlive());
            assertThat(Files.readString(agent.log())).contains("watchdog.mode is required")
                    .contains("/dev/raftpool-test-no-such-watchdog").contains("modprobe softdog");
        }
    }


    private static long failoverBegan(ClusterState s) {
        return DirectSessions.failoverBegan(thisTestsEvents(s));
    }

    private static List<Event> thisTestsEvents(ClusterState s) {
        return s.getEventsList().stream().filter(e -> e.getSeq() >= SHARED.firstEventOfThisTest()).toList();
    }
}
