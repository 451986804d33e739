package io.raftpool.server.http;

import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Health;
import io.raftpool.proto.PrimaryPhase;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HealthChecksTest {
    private static final ClusterState HEALTHY = twoPlusOne().backend(1, b -> b.setLagBytes(1000)).build();

    static HealthChecks.Facts primary(ClusterState s, boolean contact) {
        return new HealthChecks.Facts(s, 0, contact, Health.HEALTHY, BackendRole.PRIMARY, false);
    }

    static HealthChecks.Facts standby(ClusterState s) {
        return new HealthChecks.Facts(s, 1, true, Health.HEALTHY, BackendRole.STANDBY, true);
    }

    static int status(String path, HealthChecks.Facts f) {
        return HealthChecks.answer(path, Map.of(), f).status();
    }

    @Test
    void onlyTheCommittedActivePrimaryInContactWithTheMajorityAnswersPrimary() {
        assertThat(status("/primary", primary(HEALTHY, true))).isEqualTo(200);
        assertThat(HealthChecks.answer("/primary", Map.of(), primary(HEALTHY, false)).reason())
                .contains("no contact with the Raft majority");
        assertThat(status("/primary", primary(HEALTHY, false))).isEqualTo(503);
        assertThat(status("/primary", standby(HEALTHY))).isEqualTo(503);
        ClusterState promoting = twoPlusOne().primary(0, 2, PrimaryPhase.PROMOTING).build();
        assertThat(status("/primary", primary(promoting, true))).isEqualTo(503);
        // the committed primary whose server is down is not a primary for a load balancer
        assertThat(status("/primary", new HealthChecks.Facts(HEALTHY, 0, true, Health.NOT_RUNNING,
                BackendRole.ROLE_UNKNOWN, false))).isEqualTo(503);
        // an old primary after a failover: it may still run as one, but the state names node 1
        ClusterState failedOver = twoPlusOne().primary(1, 2, PrimaryPhase.ACTIVE).build();
        assertThat(status("/primary", primary(failedOver, true))).isEqualTo(503);
    }

    @Test
    void anUpStreamingStandbyAnswersReplicaWithinTheLagBound() {
        assertThat(status("/replica", standby(HEALTHY))).isEqualTo(200);
        assertThat(status("/replica", primary(HEALTHY, true))).isEqualTo(503);
        assertThat(HealthChecks.answer("/replica", Map.of("lag", "1MB"), standby(HEALTHY)).status()).isEqualTo(200);
        assertThat(HealthChecks.answer("/replica", Map.of("lag", "999"), standby(HEALTHY)).status()).isEqualTo(503);
        assertThat(HealthChecks.answer("/replica", Map.of("lag", "ten"), standby(HEALTHY)).status()).isEqualTo(400);
        ClusterState down = twoPlusOne().backend(1, b -> b.setStatus(BackendStatus.DOWN)).build();
        assertThat(status("/replica", standby(down))).isEqualTo(503);
        ClusterState detached = twoPlusOne().backend(1, b -> b.setDetached(true)).build();
        assertThat(HealthChecks.answer("/replica", Map.of(), standby(detached)).reason()).contains("detached");
        assertThat(status("/replica", new HealthChecks.Facts(HEALTHY, 1, true, Health.HEALTHY, BackendRole.STANDBY,
                false))).isEqualTo(503);
    }

    @ParameterizedTest
    @CsvSource({"/read-only, 0, 200", "/read-only, 1, 200", "/health, 0, 200", "/liveness, 1, 200",
            "/master, 0, 200", "/primary/, 0, 200", "/nothing, 0, 404"})
    void theOtherChecks(String path, int node, int expected) {
        assertThat(status(path, node == 0 ? primary(HEALTHY, true) : standby(HEALTHY))).isEqualTo(expected);
    }

    @Test
    void lagBoundsAreBytesWithAnOptionalUnitOrADuration() {
        assertThat(HealthChecks.lagBound(Map.of())).isEmpty();
        assertThat(HealthChecks.lagBound(Map.of("lag", "16MB"))).contains(new HealthChecks.Bytes(16L * 1024 * 1024));
        assertThat(HealthChecks.lagBound(Map.of("lag", "2kB"))).contains(new HealthChecks.Bytes(2048L));
        assertThat(HealthChecks.lagBound(Map.of("lag", "100"))).contains(new HealthChecks.Bytes(100L));
        assertThat(HealthChecks.lagBound(Map.of("lag", "10s"))).contains(new HealthChecks.Millis(10_000L));
        assertThat(HealthChecks.lagBound(Map.of("lag", "500ms"))).contains(new HealthChecks.Millis(500L));
        assertThat(HealthChecks.lagBound(Map.of("lag", "2min"))).contains(new HealthChecks.Millis(120_000L));
        assertThat(HealthChecks.lagBound(Map.of("lag", "soon"))).contains(new HealthChecks.Invalid());
        assertThat(HealthChecks.answer("/replica", Map.of("lag", "soon"), standby(HEALTHY)).status()).isEqualTo(400);
    }

    @Test
    void aDurationBoundIsCheckedAgainstHowLongAgoTheLastReplayedCommitWas() {
        HealthChecks.Facts behind = new HealthChecks.Facts(HEALTHY, 1, true, Health.HEALTHY, BackendRole.STANDBY, true,
                () -> 12_000);
        HealthChecks.Facts current = new HealthChecks.Facts(HEALTHY, 1, true, Health.HEALTHY, BackendRole.STANDBY, true,
                () -> 0);
        HealthChecks.Answer late = HealthChecks.answer("/replica", Map.of("lag", "10s"), behind);
        assertThat(late.status()).isEqualTo(503);
        assertThat(late.reason()).isEqualTo("replay delay 12000 ms, over the bound of 10000 ms");
        assertThat(HealthChecks.answer("/replica", Map.of("lag", "10s"), current).status()).isEqualTo(200);
        assertThat(HealthChecks.answer("/replica", Map.of("lag", "10s"), standby(HEALTHY)).reason())
                .isEqualTo("replay delay unknown, over the bound of 10000 ms");
    }
}
