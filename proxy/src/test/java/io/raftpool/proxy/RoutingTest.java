package io.raftpool.proxy;

import static io.raftpool.proxy.Views.cluster;
import static io.raftpool.proxy.Views.detached;
import static io.raftpool.proxy.Views.needsRecovery;
import static io.raftpool.proxy.Views.primary;
import static io.raftpool.proxy.Views.seen;
import static io.raftpool.proxy.Views.standby;
import static io.raftpool.proxy.Views.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.PrimaryPhase;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoutingTest {

    private static final Duration STALE = Duration.ofMillis(1000);
    private static final long NOW = 10_000;

    private static final ClusterView HEALTHY = cluster(7, 0, PrimaryPhase.ACTIVE, primary(0), standby(1), standby(2));

    /** name, view, expected node (-1: refused), expected refusal reason. */
    static Stream<Arguments> readWriteTable() {
        return Stream.of(
                Arguments.of("no view yet", Optional.empty(), -1, RefusalReason.NO_VIEW),
                Arguments.of("fresh, active primary", seen(HEALTHY, NOW, 0), 0, null),
                Arguments.of("just under the bound", seen(HEALTHY, NOW - 999, 0), 0, null),
                Arguments.of("exactly at the bound is stale", seen(HEALTHY, NOW - 1000, 0), -1, RefusalReason.STALE_VIEW),
                Arguments.of("agent's own contact age counts", seen(HEALTHY, NOW - 500, 500), -1, RefusalReason.STALE_VIEW),
                Arguments.of("agent never confirmed a majority", seen(HEALTHY, NOW, -1), -1, RefusalReason.STALE_VIEW),
                Arguments.of("promoting", seen(cluster(8, 1, PrimaryPhase.PROMOTING, primary(0), standby(1)), NOW, 0),
                        -1, RefusalReason.NO_PRIMARY),
                Arguments.of("bootstrapping", seen(cluster(1, 0, PrimaryPhase.BOOTSTRAPPING, primary(0)), NOW, 0),
                        -1, RefusalReason.NO_PRIMARY),
                Arguments.of("no primary at all", seen(cluster(7, -1, PrimaryPhase.PHASE_NONE, standby(1)), NOW, 0),
                        -1, RefusalReason.NO_PRIMARY),
                Arguments.of("primary not among the backends", seen(cluster(7, 5, PrimaryPhase.ACTIVE, standby(1)), NOW, 0),
                        -1, RefusalReason.NO_PRIMARY),
                Arguments.of("primary detached", seen(cluster(7, 0, PrimaryPhase.ACTIVE, detached(primary(0))), NOW, 0),
                        -1, RefusalReason.PRIMARY_DETACHED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readWriteTable")
    void readWrite(String name, Optional<AgentView> view, int expectedNode, RefusalReason expectedReason) {
        Route route = Routing.readWrite(view, NOW, STALE);
        assertRoute(route, expectedNode, expectedReason);
        if (route instanceof Route.To to) {
            assertThat(to.target()).isEqualTo(new Target(0, "pg0", "127.0.0.1", 5400, 7));
        }
    }

    @Test
    void refusalMessagesNameTheEpochAndWhatToDo() {
        Route promoting = Routing.readWrite(seen(cluster(8, 1, PrimaryPhase.PROMOTING, primary(1)), NOW, 0), NOW, STALE);
        assertThat(((Route.Refused) promoting).refusal().message())
                .isEqualTo("raftpool: no primary available (failover in progress: promoting node 1, epoch 8); retry shortly");
        Route stale = Routing.readWrite(seen(HEALTHY, NOW - 1500, 0), NOW, STALE);
        assertThat(((Route.Refused) stale).refusal().message())
                .contains("1500 ms old", "limit 1000 ms", "epoch 7", "retry shortly");
        Route detachedPrimary = Routing.readWrite(seen(cluster(7, 0, PrimaryPhase.ACTIVE, detached(primary(0))), NOW, 0),
                NOW, STALE);
        assertThat(((Route.Refused) detachedPrimary).refusal().message()).contains("raftpool attach-node 0");
    }

    static Stream<Arguments> readOnlyTable() {
        Map<Integer, Integer> none = Map.of();
        return Stream.of(
                Arguments.of("no view yet", Optional.empty(), none, Set.of(), -1, RefusalReason.NO_VIEW),
                Arguments.of("lowest id on a tie", seen(HEALTHY, NOW, 0), none, Set.of(), 1, null),
                Arguments.of("least connections first", seen(HEALTHY, NOW, 0), Map.of(1, 3, 2, 1), Set.of(), 2, null),
                Arguments.of("excluded standby skipped", seen(HEALTHY, NOW, 0), none, Set.of(1), 2, null),
                Arguments.of("standbys served from a stale view", seen(HEALTHY, NOW - 5000, 0), none, Set.of(), 1, null),
                Arguments.of("down standby skipped",
                        seen(cluster(7, 0, PrimaryPhase.ACTIVE, primary(0), status(standby(1), BackendStatus.DOWN), standby(2)),
                                NOW, 0), none, Set.of(), 2, null),
                Arguments.of("recovering standby skipped",
                        seen(cluster(7, 0, PrimaryPhase.ACTIVE, primary(0), status(standby(1), BackendStatus.RECOVERING)),
                                NOW, 0), none, Set.of(), 0, null),
                Arguments.of("detached standby skipped",
                        seen(cluster(7, 0, PrimaryPhase.ACTIVE, primary(0), detached(standby(1)), standby(2)), NOW, 0),
                        none, Set.of(), 2, null),
                Arguments.of("diverged standby skipped",
                        seen(cluster(7, 0, PrimaryPhase.ACTIVE, primary(0), needsRecovery(standby(1)), standby(2)), NOW, 0),
                        none, Set.of(), 2, null),
                Arguments.of("a failed-over old primary is no standby",
                        seen(cluster(8, 1, PrimaryPhase.ACTIVE, primary(0), primary(1)), NOW, 0),
                        none, Set.of(), 1, null),
                Arguments.of("no standby: the active primary",
                        seen(cluster(7, 0, PrimaryPhase.ACTIVE, primary(0), status(standby(1), BackendStatus.DOWN)), NOW, 0),
                        none, Set.of(), 0, null),
                Arguments.of("no standby, primary excluded",
                        seen(cluster(7, 0, PrimaryPhase.ACTIVE, primary(0)), NOW, 0), none, Set.of(0), -1,
                        RefusalReason.NO_BACKEND),
                Arguments.of("no standby, stale view: not the primary",
                        seen(cluster(7, 0, PrimaryPhase.ACTIVE, primary(0)), NOW - 2000, 0), none, Set.of(), -1,
                        RefusalReason.NO_BACKEND),
                Arguments.of("no standby, promoting",
                        seen(cluster(8, 1, PrimaryPhase.PROMOTING, status(primary(0), BackendStatus.DOWN), standby(1)), NOW, 0),
                        none, Set.of(), -1, RefusalReason.NO_BACKEND),
                Arguments.of("every standby excluded, primary fine",
                        seen(HEALTHY, NOW, 0), none, Set.of(1, 2), 0, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readOnlyTable")
    void readOnly(String name, Optional<AgentView> view, Map<Integer, Integer> sessions, Set<Integer> excluded,
                  int expectedNode, RefusalReason expectedReason) {
        assertRoute(Routing.readOnly(view, NOW, STALE, sessions, excluded), expectedNode, expectedReason);
    }

    @Test
    void readOnlyRefusalSaysWhyThePrimaryIsNoFallback() {
        Route r = Routing.readOnly(seen(cluster(8, 1, PrimaryPhase.PROMOTING,
                        status(standby(2), BackendStatus.DOWN)), NOW, 0), NOW, STALE,
                Map.of(), Set.of());
        assertThat(((Route.Refused) r).refusal().message())
                .startsWith("raftpool: no server available for read-only connections (no standby is up; no primary");
    }

    @Test
    void anAgentThatIsBehindIsIgnored() {
        AgentView current = new AgentView(HEALTHY, 100, 0, 0);
        AgentView older = new AgentView(cluster(6, 1, PrimaryPhase.ACTIVE, primary(1)), 200, 0, 1);
        AgentView same = new AgentView(HEALTHY, 300, 0, 2);
        AgentView newer = new AgentView(cluster(8, 1, PrimaryPhase.PROMOTING, primary(1)), 400, 0, 1);
        assertThat(Routing.accept(Optional.empty(), older)).isSameAs(older);
        assertThat(Routing.accept(Optional.of(current), older)).isSameAs(current);
        assertThat(Routing.accept(Optional.of(current), same)).isSameAs(same);
        assertThat(Routing.accept(Optional.of(current), newer)).isSameAs(newer);
    }

    @Test
    void viewAgeAddsTheAgentsOwnStaleness() {
        AgentView v = new AgentView(HEALTHY, 1000, 250, 0);
        assertThat(v.ageMs(1000)).isEqualTo(250);
        assertThat(v.ageMs(1600)).isEqualTo(850);
        assertThat(v.ageMs(900)).as("a receive time in the future counts as zero").isEqualTo(250);
        assertThat(new AgentView(HEALTHY, 1000, -1, 0).ageMs(1000)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void timeLeftBeforeAViewTurnsStale() {
        assertThat(Routing.msUntilStale(new AgentView(HEALTHY, NOW, 0, 0), NOW, STALE)).isEqualTo(1000);
        assertThat(Routing.msUntilStale(new AgentView(HEALTHY, NOW - 300, 200, 0), NOW, STALE)).isEqualTo(500);
        assertThat(Routing.msUntilStale(new AgentView(HEALTHY, NOW - 2000, 0, 0), NOW, STALE)).isZero();
        assertThat(Routing.msUntilStale(new AgentView(HEALTHY, NOW, -1, 0), NOW, STALE)).isZero();
    }

    @Test
    void permitsOfAHealthyFreshView() {
        assertThat(Routing.permits(seen(HEALTHY, NOW, 0), NOW, STALE)).isEqualTo(new Permits(7, 0, Set.of(1, 2)));
    }

    @Test
    void permitsOfAStaleViewKeepOnlyStandbys() {
        assertThat(Routing.permits(seen(HEALTHY, NOW - 1000, 0), NOW, STALE)).isEqualTo(new Permits(7, -1, Set.of(1, 2)));
    }

    @Test
    void permitsWithoutAView() {
        assertThat(Routing.permits(Optional.empty(), NOW, STALE)).isEqualTo(Permits.NONE);
    }

    /** port, session node, session epoch, permits, kept. */
    static Stream<Arguments> keepsTable() {
        Permits healthy = new Permits(7, 0, Set.of(1, 2));
        Permits newPrimary = new Permits(8, 1, Set.of(2));
        Permits stale = new Permits(7, -1, Set.of(1, 2));
        Permits standby2Down = new Permits(7, 0, Set.of(1));
        return Stream.of(
                Arguments.of(ProxyPort.READ_WRITE, 0, 7L, healthy, true),
                Arguments.of(ProxyPort.READ_WRITE, 0, 6L, healthy, false),
                Arguments.of(ProxyPort.READ_WRITE, 1, 7L, healthy, false),
                Arguments.of(ProxyPort.READ_WRITE, 0, 7L, newPrimary, false),
                Arguments.of(ProxyPort.READ_WRITE, 1, 7L, newPrimary, false),
                Arguments.of(ProxyPort.READ_WRITE, 1, 8L, newPrimary, true),
                Arguments.of(ProxyPort.READ_WRITE, 0, 7L, stale, false),
                Arguments.of(ProxyPort.READ_WRITE, 0, 7L, standby2Down, true),
                Arguments.of(ProxyPort.READ_ONLY, 1, 7L, healthy, true),
                Arguments.of(ProxyPort.READ_ONLY, 0, 7L, healthy, true),
                Arguments.of(ProxyPort.READ_ONLY, 0, 7L, newPrimary, false),
                Arguments.of(ProxyPort.READ_ONLY, 1, 7L, newPrimary, false),
                Arguments.of(ProxyPort.READ_ONLY, 2, 7L, newPrimary, true),
                Arguments.of(ProxyPort.READ_ONLY, 1, 7L, stale, true),
                Arguments.of(ProxyPort.READ_ONLY, 0, 7L, stale, false),
                Arguments.of(ProxyPort.READ_ONLY, 2, 7L, standby2Down, false),
                Arguments.of(ProxyPort.READ_ONLY, 1, 7L, standby2Down, true));
    }

    @ParameterizedTest(name = "{0} to node {1} at epoch {2} under {3}: kept={4}")
    @MethodSource("keepsTable")
    void keeps(ProxyPort port, int node, long epoch, Permits permits, boolean kept) {
        assertThat(Routing.keeps(permits, port, node, epoch)).isEqualTo(kept);
    }

    @Test
    void unknownRoleIsNotAStandby() {
        BackendView odd = new BackendView(3, "pg3", "h", 1, BackendStatus.UP, BackendRole.ROLE_UNKNOWN, false, false);
        assertThat(Routing.isReadableStandby(cluster(7, 0, PrimaryPhase.ACTIVE, primary(0), odd), odd)).isFalse();
    }

    private static void assertRoute(Route route, int expectedNode, RefusalReason expectedReason) {
        if (expectedNode >= 0) {
            assertThat(route).isInstanceOf(Route.To.class);
            assertThat(((Route.To) route).target().nodeId()).isEqualTo(expectedNode);
        } else {
            assertThat(route).isInstanceOf(Route.Refused.class);
            assertThat(((Route.Refused) route).refusal().reason()).isEqualTo(expectedReason);
        }
    }
}
