package io.raftpool.server.state;

import static io.raftpool.server.state.TransitionsTest.beginFailover;
import static io.raftpool.testkit.States.T0;
import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.AgentAway;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Health;
import io.raftpool.proto.Operation;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.RestartPrimary;
import io.raftpool.testkit.States;
import org.junit.jupiter.api.Test;

/** The commands of the fence (S6, issue 19): a primary started again by its agent, and an agent's restart window. */
class FenceTransitionsTest {
    static Command restart(int node, long epoch) {
        return Command.newBuilder().setIssuedMs(T0 + 500).setIssuer(node)
                .setRestartPrimary(RestartPrimary.newBuilder().setNodeId(node).setEpoch(epoch)).build();
    }

    static Command away(int node, long windowMs) {
        return Command.newBuilder().setIssuedMs(T0 + 700).setIssuer(node)
                .setAgentAway(AgentAway.newBuilder().setNodeId(node).setWindowMs(windowMs)).build();
    }

    static ClusterState notRunning() {
        return States.of(twoPlusOne().build()).observed(0, 0, Health.NOT_RUNNING, BackendRole.ROLE_UNKNOWN, false,
                "no PostgreSQL process").build();
    }

    /**
     * The race of issue 19: a fenced primary's agent, back in contact, starts its server while the
     * leader acts on the "not running" it reported. Whichever commits first wins; the other is refused.
     */
    @Test
    void aFailoverDecidedBeforeThePrimaryWasStartedAgainIsRefused() {
        ClusterState restarted = Transitions.apply(notRunning(), restart(0, 1));

        assertThat(restarted.getPrimary().getRestarts()).isEqualTo(1);
        assertThat(ClusterStates.observation(restarted, 0, 0).orElseThrow().getHealth())
                .as("its 'not running' is no longer certain").isEqualTo(Health.HEALTH_UNKNOWN);
        assertThat(Transitions.validate(restarted, beginFailover(Operation.Kind.FAILOVER, 2, 1, 0)))
                .hasValueSatisfying(why -> assertThat(why).contains("started again by its agent"));
        assertThat(Transitions.apply(restarted, beginFailover(Operation.Kind.FAILOVER, 2, 1, 0))).isSameAs(restarted);
    }

    /**
     * A chaos run: the agent's "not running", seen before it started its server again but committed
     * after the restart, let the leader fail over while the restarted server took writes.
     */
    @Test
    void anOwnNotRunningSeenBeforeTheRestartDoesNotCountAfterIt() {
        ClusterState restarted = Transitions.apply(notRunning(), restart(0, 1));
        Command seenBefore = ownReport(T0 + 499, Health.NOT_RUNNING);
        assertThat(Transitions.apply(restarted, seenBefore)).as("in flight across the restart").isSameAs(restarted);

        ClusterState after = Transitions.apply(restarted, ownReport(T0 + 900, Health.NOT_RUNNING));
        assertThat(ClusterStates.observation(after, 0, 0).orElseThrow().getHealth()).as("seen after it: it failed to start")
                .isEqualTo(Health.NOT_RUNNING);
    }

    private static Command ownReport(long atMs, Health health) {
        return Command.newBuilder().setIssuedMs(atMs).setIssuer(0).setReport(io.raftpool.proto.ReportObservation.newBuilder()
                .setObservation(io.raftpool.proto.Observation.newBuilder().setObserver(0).setSubject(0).setHealth(health)
                        .setRole(BackendRole.ROLE_UNKNOWN).setDetail("no PostgreSQL process").setAtMs(atMs))).build();
    }

    @Test
    void aFailoverDecidedAfterTheRestartGoesThrough() {
        ClusterState restarted = Transitions.apply(notRunning(), restart(0, 1));
        Command decidedAfter = beginFailover(Operation.Kind.FAILOVER, 2, 1, 0).toBuilder()
                .setBeginFailover(beginFailover(Operation.Kind.FAILOVER, 2, 1, 0).getBeginFailover().toBuilder()
                        .setPrimaryRestarts(1)).build();

        assertThat(Transitions.apply(restarted, decidedAfter).getPrimary().getNodeId()).isEqualTo(1);
    }

    @Test
    void aRestartAfterAFailoverBeganIsRefused() {
        ClusterState failingOver = Transitions.apply(notRunning(), beginFailover(Operation.Kind.FAILOVER, 2, 1, 0));

        assertThat(Transitions.validate(failingOver, restart(0, 1)))
                .hasValueSatisfying(why -> assertThat(why).contains("not the active primary of epoch 1"));
        assertThat(Transitions.apply(failingOver, restart(0, 1))).isSameAs(failingOver);
        assertThat(Transitions.validate(States.of(twoPlusOne().build()).primary(0, 1, PrimaryPhase.PROMOTING).build(),
                restart(0, 1))).isPresent();
    }

    @Test
    void aRestartWindowOpensWithItsIssueTimeAndClosesAgain() {
        ClusterState open = Transitions.apply(twoPlusOne().build(), away(0, 30_000));

        assertThat(ClusterStates.backend(open, 0).orElseThrow().getAgentAwayMs()).isEqualTo(30_000);
        assertThat(ClusterStates.backend(open, 0).orElseThrow().getAgentAwayIssuedMs()).isEqualTo(T0 + 700);
        assertThat(open.getEvents(open.getEventsCount() - 1).getMessage()).contains("stops for a restart");

        ClusterState closed = Transitions.apply(open, away(0, 0));
        assertThat(ClusterStates.backend(closed, 0).orElseThrow().getAgentAwayMs()).isZero();
        assertThat(closed.getEvents(closed.getEventsCount() - 1).getMessage()).contains("is back");
        assertThat(Transitions.apply(closed, away(0, 0))).as("closing a closed window changes nothing").isSameAs(closed);
        assertThat(Transitions.validate(closed, away(9, 1000))).isPresent();
    }
}
