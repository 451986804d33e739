package io.raftpool.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.BeginFailover;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Operation;
import io.raftpool.proto.PromotionDone;
import io.raftpool.proto.PromotionFailed;
import io.raftpool.server.state.Transitions;
import io.raftpool.testkit.States;
import org.junit.jupiter.api.Test;

/** A promotion counts once, when the state that makes its primary active is applied. */
class PromotionsTest {
    private static final long T = States.T0 + 60_000;

    private static ClusterState begun(Operation.Kind kind) {
        return Transitions.apply(States.twoPlusOne().build(), Command.newBuilder().setIssuedMs(T).setIssuer(2).setTerm(3)
                .setBeginFailover(BeginFailover.newBuilder().setKind(kind).setNewEpoch(2).setTarget(1).setOldPrimary(0)
                        .setReason("node 0 is not running").setDetectedMs(T - 1500)).build());
    }

    private static ClusterState done(ClusterState begun) {
        return Transitions.apply(begun, Command.newBuilder().setIssuedMs(T + 800).setIssuer(1)
                .setPromotionDone(PromotionDone.newBuilder().setEpoch(2).setNodeId(1).setTimeline(2).setPromoteMs(300))
                .build());
    }

    @Test
    void aFinishedFailoverIsCountedWithItsTimeFromTheConfirmedFailure() {
        ClusterState begun = begun(Operation.Kind.FAILOVER);

        assertThat(Promotions.completed(begun, done(begun), States.T0))
                .contains(new Promotions.Completed("failover", 2, 1, 2300));
    }

    @Test
    void theKindOfPromotionIsKept() {
        ClusterState begun = begun(Operation.Kind.SWITCHOVER);

        assertThat(Promotions.completed(begun, done(begun), States.T0)).map(Promotions.Completed::kind)
                .contains("switchover");
    }

    @Test
    void beginningOrFailingIsNotCompleting() {
        ClusterState begun = begun(Operation.Kind.FAILOVER);
        ClusterState failed = Transitions.apply(begun, Command.newBuilder().setIssuedMs(T + 800).setIssuer(1)
                .setPromotionFailed(PromotionFailed.newBuilder().setEpoch(2).setNodeId(1).setReason("timeout")).build());

        assertThat(Promotions.completed(States.twoPlusOne().build(), begun, States.T0)).isEmpty();
        assertThat(Promotions.completed(begun, failed, States.T0)).isEmpty();
        assertThat(Promotions.completed(done(begun), done(begun), States.T0)).isEmpty();
    }

    @Test
    void aPromotionCommittedBeforeTheAgentStartedIsHistory() {
        ClusterState begun = begun(Operation.Kind.FAILOVER);

        assertThat(Promotions.completed(begun, done(begun), T + 801)).isEmpty();
        assertThat(Promotions.completed(begun, done(begun), T + 800)).isPresent();
    }
}
