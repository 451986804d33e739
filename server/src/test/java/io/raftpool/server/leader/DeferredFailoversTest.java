package io.raftpool.server.leader;

import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.testkit.States;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A failover held back is said once in the history, after three seconds, per wait. */
class DeferredFailoversTest {
    private static final FailoverPolicy.Failed FAILED = new FailoverPolicy.Failed(0, "2 agents cannot reach it",
            List.of(), 0, Long.MAX_VALUE);

    private static Optional<Event> at(DeferredFailovers d, ClusterState s, long nowMs) {
        return d.note(s, new Liveness(Map.of(1, nowMs), nowMs, 500), FAILED, r -> "why: " + r);
    }

    @Test
    void saidOnceAfterThreeSecondsThenAgainOnlyForANewWait() {
        DeferredFailovers d = new DeferredFailovers();
        ClusterState s = twoPlusOne().build();

        assertThat(at(d, s, 1_000)).isEmpty();
        assertThat(at(d, s, 3_999)).isEmpty();
        Event e = at(d, s, 4_000).orElseThrow();
        assertThat(e.getKind()).isEqualTo("deferred");
        assertThat(e.getNodeId()).isZero();
        assertThat(e.getMessage()).isEqualTo("failover deferred for 3000 ms so far: why: 2 agents cannot reach it");
        assertThat(at(d, s, 9_000)).as("once").isEmpty();

        ClusterState next = States.of(s).primary(1, 2, PrimaryPhase.ACTIVE).build();
        assertThat(at(d, next, 10_000)).as("a new epoch starts a new wait").isEmpty();
        assertThat(at(d, next, 13_000)).isPresent();

        d.reset();
        assertThat(at(d, next, 20_000)).as("healthy in between: a new wait").isEmpty();
        assertThat(at(d, next, 23_000)).isPresent();
    }
}
