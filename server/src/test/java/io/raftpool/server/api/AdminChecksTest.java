package io.raftpool.server.api;

import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.Transitions;
import io.raftpool.testkit.States;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Operators' commands checked against the committed state. Two+one cluster: node 0 the
 * primary at epoch 1, node 1 an up standby, node 2 the witness. A refusal is one line an
 * operator can act on: it names the node and says why (and what to do, when there is a next
 * step).
 */
class AdminChecksTest {

    static ClusterState downStandby() {
        return twoPlusOne().backend(1, b -> b.setStatus(BackendStatus.DOWN).setStatusReason("2 agents cannot reach it"))
                .build();
    }

    /** A failed promotion of node 1 at epoch 2: no primary, node 1 down. */
    static ClusterState promotionOf1Failed() {
        return twoPlusOne().primary(1, 2, PrimaryPhase.PHASE_NONE)
                .backend(1, b -> b.setStatus(BackendStatus.DOWN).setStatusReason("promotion failed: timeout"))
                .backend(0, b -> b.setStatus(BackendStatus.DOWN).setNeedsRecovery(true))
                .build();
    }

    static Stream<Arguments> promotions() {
        ClusterState ok = twoPlusOne().build();
        ClusterState threePlusOne = States.cluster(3, 1).build();
        return Stream.of(
                Arguments.of("an up standby", ok, 1, null),
                Arguments.of("an up standby while there is no primary",
                        States.cluster(3, 1).primary(1, 2, PrimaryPhase.PHASE_NONE).build(), 2, null),
                Arguments.of("before init", Transitions.empty(), 1, "the cluster is not initialised yet"),
                Arguments.of("an unknown node", ok, 9, "node 9 is not in the cluster; nodes are [0, 1, 2]"),
                Arguments.of("the witness", ok, 2, "node 2 is a witness: it has no PostgreSQL server"),
                Arguments.of("the primary", ok, 0, "node 0 is the primary already (epoch 1)"),
                Arguments.of("during another promotion", States.of(threePlusOne).primary(2, 2, PrimaryPhase.PROMOTING).build(), 1,
                        "a promotion is already in progress (node 2, epoch 2); wait for it to finish"),
                Arguments.of("during the bootstrap", States.of(ok).primary(0, 1, PrimaryPhase.BOOTSTRAPPING).build(), 1,
                        "a promotion is already in progress (node 0, epoch 1)"),
                Arguments.of("a down standby", downStandby(), 1,
                        "node 1 is down (2 agents cannot reach it); only an up standby can be promoted"),
                Arguments.of("a standby being rebuilt", States.of(ok).backend(1, b -> b.setStatus(BackendStatus.RECOVERING)
                        .setStatusReason("recovery-node")).build(), 1, "node 1 is recovering (recovery-node)"),
                Arguments.of("a standby that needs recovery", States.of(ok).backend(1, b -> b.setNeedsRecovery(true)).build(), 1,
                        "node 1 needs recovery first: raftpool recovery-node 1"),
                Arguments.of("a detached standby", States.of(ok).backend(1, b -> b.setDetached(true)).build(), 1,
                        "node 1 is detached; attach it first: raftpool attach-node 1"),
                Arguments.of("the target of a failed promotion is down, not primary", promotionOf1Failed(), 1,
                        "node 1 is down (promotion failed: timeout); only an up standby can be promoted"));
    }

    @ParameterizedTest(name = "promote {0}")
    @MethodSource("promotions")
    void promoteNodeIsRefusedWithTheNodeAndTheReason(String name, ClusterState s, int node, String refusal) {
        Optional<String> result = AdminChecks.promote(s, node);

        if (refusal == null) {
            assertThat(result).isEmpty();
        } else {
            assertThat(result).hasValueSatisfying(r -> assertThat(r).startsWith(refusal));
        }
    }

    static Stream<Arguments> detachments() {
        ClusterState ok = twoPlusOne().build();
        ClusterState detached = States.of(ok).backend(1, b -> b.setDetached(true)).build();
        return Stream.of(
                Arguments.of("detach an up standby", ok, 1, true, null),
                Arguments.of("detach a down standby", downStandby(), 1, true, null),
                Arguments.of("attach a detached standby", detached, 1, false, null),
                Arguments.of("detach the target of a failed promotion", promotionOf1Failed(), 1, true, null),
                Arguments.of("detach before init", Transitions.empty(), 1, true, "the cluster is not initialised yet"),
                Arguments.of("detach an unknown node", ok, 5, true, "node 5 is not in the cluster; nodes are [0, 1, 2]"),
                Arguments.of("attach the witness", ok, 2, false, "node 2 is a witness: it has no PostgreSQL server"),
                Arguments.of("detach the primary", ok, 0, true,
                        "node 0 is the primary; promote another node first (raftpool promote-node N)"),
                Arguments.of("detach the promotion target", States.of(ok).primary(1, 2, PrimaryPhase.PROMOTING).build(), 1, true,
                        "node 1 is the primary; promote another node first"),
                Arguments.of("detach a detached standby", detached, 1, true, "node 1 is detached already"),
                Arguments.of("attach an attached standby", ok, 1, false, "node 1 is attached already"),
                Arguments.of("attach the primary", ok, 0, false, "node 0 is attached already"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detachments")
    void detachAndAttachAreRefusedWithTheNodeAndTheReason(String name, ClusterState s, int node, boolean detach,
                                                          String refusal) {
        Optional<String> result = AdminChecks.setDetached(s, node, detach);

        if (refusal == null) {
            assertThat(result).isEmpty();
        } else {
            assertThat(result).hasValueSatisfying(r -> assertThat(r).startsWith(refusal));
        }
    }
}
