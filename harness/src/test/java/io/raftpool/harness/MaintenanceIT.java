package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftpool.api.RequestRejectedException;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.PauseRequest;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.StopMode;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Maintenance mode (issue 15, part 1): raftpool pause and resume against real servers and agents. */
class MaintenanceIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(30);
    /** Many times what a failover after an immediate stop takes here (under a second). */
    private static final Duration NO_FAILOVER_FOR = Duration.ofSeconds(8);

    @Test
    void whilePausedAStoppedPrimaryIsNotFailedOverAndAfterResumeItIs() {
        LocalCluster cluster = SHARED.cluster();
        long epoch = cluster.awaitHealthy(START).getPrimary().getEpoch();
        ActionReply paused = cluster.admin().pause(PauseRequest.newBuilder().setBy("tester@it")
                .setReason("minor upgrade").build());
        assertThat(paused.getAccepted()).as(paused.getMessage()).isTrue();
        assertThat(cluster.awaitState("paused", BUDGET, ClusterState::hasMaintenance).getMaintenance().getBy())
                .isEqualTo("tester@it");

        cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
        // health checks go on: the primary is seen down ...
        cluster.awaitState("node 0 marked down", BUDGET,
                st -> ClusterStates.backend(st, 0).orElseThrow().getStatus() == BackendStatus.DOWN);
        // ... and for many failover budgets nobody is promoted, nor is the stopped server started again
        await().during(NO_FAILOVER_FOR).atMost(NO_FAILOVER_FOR.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    ClusterState s = cluster.state().orElseThrow();
                    return s.getPrimary().getNodeId() == 0 && s.getPrimary().getEpoch() == epoch
                            && !cluster.postgres(0).isRunning();
                });

        long resumedAt = System.nanoTime();
        ActionReply resumed = cluster.admin().resume(PauseRequest.newBuilder().setBy("tester@it").build());
        assertThat(resumed.getAccepted()).as(resumed.getMessage()).isTrue();
        ClusterState s = cluster.awaitState("node 1 promoted after resume", BUDGET,
                st -> st.getPrimary().getNodeId() == 1 && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
        long failoverMs = (System.nanoTime() - resumedAt) / 1_000_000;
        assertThat(s.getPrimary().getEpoch()).isEqualTo(epoch + 1);
        assertThat(failoverMs).as("failover after resume, ms").isLessThan(10_000);
        List<String> events = eventsOfThisTest(s);
        assertThat(events).anySatisfy(m -> assertThat(m).startsWith("paused by tester@it (minor upgrade)"));
        assertThat(events).anySatisfy(m -> assertThat(m).startsWith("resumed by tester@it after "));
    }

    @Test
    void aPauseWithAnEndResumesByItself() {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        ActionReply paused = cluster.admin().pause(PauseRequest.newBuilder().setDurationMs(2000).setBy("tester@it")
                .build());
        assertThat(paused.getAccepted()).as(paused.getMessage()).isTrue();
        assertThat(paused.getMessage()).contains("until 20");
        ClusterState s = cluster.awaitState("resumed by the leader", BUDGET, st -> !st.hasMaintenance());
        assertThat(eventsOfThisTest(s)).anySatisfy(m -> assertThat(m)
                .startsWith("resumed by raftpool (the pause's time ran out)"));
    }

    @Test
    void nonsenseIsRefusedWithTheReasonAndChangesNothing() {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        ActionReply notPaused = cluster.admin().resume(PauseRequest.newBuilder().build());
        assertThat(notPaused.getAccepted()).isFalse();
        assertThat(notPaused.getMessage()).contains("the cluster is not paused");

        assertThatThrownBy(() -> cluster.admin().pause(PauseRequest.newBuilder().setDurationMs(30L * 24 * 3_600_000)
                .build())).isInstanceOf(RequestRejectedException.class)
                .hasMessageContaining("duration_ms 2592000000 is out of range; allowed: 0 (until resumed) to");
        assertThat(cluster.state().orElseThrow().hasMaintenance()).isFalse();
    }

    private static List<String> eventsOfThisTest(ClusterState s) {
        return s.getEventsList().stream().filter(e -> e.getSeq() >= SHARED.firstEventOfThisTest())
                .map(Event::getMessage).toList();
    }
}
