package io.raftpool.proxy;

import static io.raftpool.proxy.Views.cluster;
import static io.raftpool.proxy.Views.detached;
import static io.raftpool.proxy.Views.primary;
import static io.raftpool.proxy.Views.seen;
import static io.raftpool.proxy.Views.standby;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.PrimaryPhase;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** When a connection that cannot be routed waits for the cluster, and when it is refused. */
class HoldingTest {
    private static final Duration STALE = Duration.ofMillis(1000);
    private static final Duration HOLD = Duration.ofSeconds(5);
    private static final long NOW = 10_000;

    private static final Optional<AgentView> PROMOTING =
            seen(cluster(8, 1, PrimaryPhase.PROMOTING, primary(0), standby(1)), NOW, 0);
    private static final Optional<AgentView> NO_PRIMARY =
            seen(cluster(8, -1, PrimaryPhase.PHASE_NONE, standby(1)), NOW, 0);

    private static Refusal refusalFor(Optional<AgentView> view) {
        return ((Route.Refused) Routing.readWrite(view, NOW, STALE)).refusal();
    }

    private static Holding.Decision first(Optional<AgentView> view) {
        return Holding.decide(refusalFor(view), view, -1, NOW, HOLD, 1000, 0, STALE);
    }

    /** name, view, whether a new connection waits. */
    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("a promotion under way", PROMOTING, true),
                Arguments.of("bootstrapping", seen(cluster(1, 0, PrimaryPhase.BOOTSTRAPPING, primary(0)), NOW, 0), true),
                Arguments.of("no view yet", Optional.empty(), false),
                Arguments.of("a view stale for a moment: the Raft leader being replaced",
                        seen(cluster(7, 0, PrimaryPhase.ACTIVE, primary(0)), NOW - 2900, 0), true),
                Arguments.of("a view stale past the grace: this proxy lost the majority",
                        seen(cluster(7, 0, PrimaryPhase.ACTIVE, primary(0)), NOW - 3000, 0), false),
                Arguments.of("no primary and no promotion under way", NO_PRIMARY, false),
                Arguments.of("a primary detached by an operator",
                        seen(cluster(7, 0, PrimaryPhase.ACTIVE, detached(primary(0))), NOW, 0), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void aConnectionWaitsOnlyWhileAServerMayCome(String name, Optional<AgentView> view, boolean waits) {
        Holding.Decision d = first(view);

        assertThat(d instanceof Holding.Decision.Hold).as(d.toString()).isEqualTo(waits);
        if (d instanceof Holding.Decision.Refuse r) {
            assertThat(r.refusal()).as("refused as before, with the same reason").isEqualTo(refusalFor(view));
        }
    }

    @Test
    void aPrimaryThatDoesNotAnswerAndNoStandbyUpAreWaitedFor() {
        Optional<AgentView> healthy = seen(cluster(7, 0, PrimaryPhase.ACTIVE, primary(0), standby(1)), NOW, 0);
        for (RefusalReason reason : new RefusalReason[] {RefusalReason.CONNECT_FAILED, RefusalReason.NO_BACKEND}) {
            assertThat(Holding.decide(new Refusal(reason, "raftpool: x"), healthy, -1, NOW, HOLD, 1000, 0, STALE))
                    .isInstanceOf(Holding.Decision.Hold.class);
        }
    }

    @Test
    void aHeldConnectionAsksAgainSoonAndIsRefusedAtTheBoundWithWhy() {
        Refusal r = refusalFor(PROMOTING);

        assertThat(Holding.decide(r, PROMOTING, NOW - 1000, NOW, HOLD, 1000, 5, STALE))
                .isEqualTo(new Holding.Decision.Hold(NOW + Holding.RETRY_MS, "a promotion is under way"));
        assertThat(Holding.decide(r, PROMOTING, NOW - 4950, NOW, HOLD, 1000, 5, STALE))
                .as("never past the bound").isEqualTo(new Holding.Decision.Hold(NOW + 50, "a promotion is under way"));
        Holding.Decision late = Holding.decide(r, PROMOTING, NOW - 5000, NOW, HOLD, 1000, 5, STALE);
        assertThat(late).isEqualTo(new Holding.Decision.Refuse(new Refusal(RefusalReason.HOLD_TIMEOUT,
                "raftpool: waited 5000 ms (proxy.hold_timeout 5000 ms) and no primary available (failover in"
                        + " progress: promoting node 1, epoch 8); retry shortly")));
    }

    @Test
    void aHeldConnectionWhosePromotionFailedIsRefusedThenWithWhy() {
        Holding.Decision d = Holding.decide(refusalFor(NO_PRIMARY), NO_PRIMARY, NOW - 700, NOW, HOLD, 1000, 0, STALE);

        assertThat(d).isInstanceOfSatisfying(Holding.Decision.Refuse.class, r -> {
            assertThat(r.refusal().reason()).isEqualTo(RefusalReason.NO_PRIMARY);
            assertThat(r.refusal().message()).startsWith("raftpool: waited 700 ms, and nothing is on its way"
                    + " now: no primary available");
        });
    }

    @Test
    void pastHoldMaxANewConnectionIsRefusedAtOnceButOneAlreadyHeldWaitsOn() {
        Refusal r = refusalFor(PROMOTING);

        assertThat(Holding.decide(r, PROMOTING, -1, NOW, HOLD, 3, 3, STALE)).isInstanceOfSatisfying(
                Holding.Decision.Refuse.class, x -> assertThat(x.refusal()).isEqualTo(new Refusal(
                        RefusalReason.HOLD_FULL, "raftpool: 3 connections are already waiting for the cluster"
                        + " (proxy.hold_max 3); no primary available (failover in progress: promoting node 1, epoch 8);"
                        + " retry shortly")));
        assertThat(Holding.decide(r, PROMOTING, -1, NOW, HOLD, 3, 2, STALE)).isInstanceOf(Holding.Decision.Hold.class);
        assertThat(Holding.decide(r, PROMOTING, NOW - 10, NOW, HOLD, 3, 3, STALE)).isInstanceOf(Holding.Decision.Hold.class);
    }

    @Test
    void aHoldTimeoutOfZeroRefusesAtOnceAsBefore() {
        Refusal r = refusalFor(PROMOTING);

        assertThat(Holding.decide(r, PROMOTING, -1, NOW, Duration.ZERO, 1000, 0, STALE))
                .isEqualTo(new Holding.Decision.Refuse(r));
    }
}
