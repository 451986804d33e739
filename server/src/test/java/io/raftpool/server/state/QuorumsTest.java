package io.raftpool.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.BeginFailover;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Operation;
import io.raftpool.proto.Quorum;
import io.raftpool.proto.RemoveNode;
import io.raftpool.proto.SetQuorum;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed quorum sets: steps that break the invariant's shape are refused; failovers and removals keep it. */
class QuorumsTest {
    private static ClusterState settled() {
        var boot = new CommandArbitraries.Scenario(4, true, List.of()).run(Transitions::apply);
        return boot.get(boot.size() - 1).after().toBuilder().addAllSyncStandbys(List.of(1, 2, 3))
                .setQuorum(Quorum.newBuilder().setConfigured(1).setDurableCount(1).addAllWaitFor(List.of(1, 2, 3))
                        .setWaitCount(1)).build();
    }

    private static SetQuorum.Builder step(ClusterState s) {
        return SetQuorum.newBuilder().setEpoch(s.getPrimary().getEpoch()).setReason("test");
    }

    private static Command command(SetQuorum.Builder q) {
        return Command.newBuilder().setIssuedMs(CommandArbitraries.T0).setIssuer(0).setTerm(1).setSetQuorum(q).build();
    }

    @Test
    void thePrimaryMayWaitOnlyForMembersOfTheDurableSet() {
        ClusterState s = settled();
        SetQuorum.Builder q = step(s).addAllDurableSet(List.of(1, 2)).setDurableCount(1).addAllWaitFor(List.of(1, 3))
                .setWaitCount(1);
        assertThat(Transitions.validate(s, command(q))).hasValueSatisfying(why ->
                assertThat(why).contains("may wait only for members of the durable set"));
    }

    @Test
    void theDurableCountRisesOnlyToTheSetThePrimaryWaitsFor() {
        ClusterState s = settled();
        s = s.toBuilder().setQuorum(s.getQuorum().toBuilder().setDurableCount(0)).build();
        SetQuorum.Builder q = step(s).addAllDurableSet(List.of(1, 2, 3)).setDurableCount(1).addAllWaitFor(List.of(1, 2))
                .setWaitCount(1);
        assertThat(Transitions.validate(s, command(q))).hasValueSatisfying(why ->
                assertThat(why).contains("rises only when the durable set is what the primary waits for"));
    }

    @Test
    void aStepDecidedForAnEarlierEpochIsRefused() {
        ClusterState s = settled();
        SetQuorum.Builder q = step(s).setEpoch(s.getPrimary().getEpoch() - 1).addAllDurableSet(List.of(1, 2, 3))
                .setDurableCount(1).addAllWaitFor(List.of(1, 2, 3)).setWaitCount(1);
        assertThat(Transitions.validate(s, command(q))).hasValueSatisfying(why -> assertThat(why).contains("decided for epoch"));
    }

    @Test
    void aNewPrimaryStartsWithNothingKnownToBeOnAStandby() {
        ClusterState s = settled();
        ClusterState after = Transitions.apply(s, Command.newBuilder().setIssuedMs(CommandArbitraries.T0).setIssuer(0)
                .setTerm(1).setBeginFailover(BeginFailover.newBuilder().setKind(Operation.Kind.PROMOTE)
                        .setNewEpoch(s.getPrimary().getEpoch() + 1).setTarget(2).setOldPrimary(0).setReason("test"))
                .build());
        assertThat(after.getPrimary().getNodeId()).isEqualTo(2);
        assertThat(after.getQuorum()).isEqualTo(Quorum.newBuilder().setConfigured(1).build());
        assertThat(after.getSyncStandbysList()).isEmpty();
    }

    @Test
    void aMemberThatLeavesTakesOneFromTheDurableCount() {
        ClusterState s = settled();
        ClusterState after = Transitions.apply(s, Command.newBuilder().setIssuedMs(CommandArbitraries.T0).setIssuer(0)
                .setTerm(1).setRemoveNode(RemoveNode.newBuilder().setNodeId(3).setReason("test")).build());
        assertThat(after.getSyncStandbysList()).containsExactly(1, 2);
        assertThat(after.getQuorum().getDurableCount()).isZero();
        assertThat(after.getQuorum().getWaitForList()).containsExactly(1, 2);
    }

    @Test
    void aMemberBeingRebuiltLeavesTheSetWithOneOfTheCount() {
        ClusterState s = settled();
        Command begin = Command.newBuilder().setIssuedMs(CommandArbitraries.T0).setIssuer(0).setTerm(1)
                .setBeginRecovery(io.raftpool.proto.BeginRecovery.newBuilder().setNodeId(3)
                        .setEpoch(s.getPrimary().getEpoch()).setSource(0).setRequestedBy("test").setFromBackup(true))
                .build();
        assertThat(Transitions.validate(s, begin)).isEmpty();
        ClusterState after = Transitions.apply(s, begin);
        assertThat(after.getSyncStandbysList()).containsExactly(1, 2);
        assertThat(after.getQuorum().getDurableCount()).isZero();
        assertThat(after.getQuorum().getWaitForList()).containsExactly(1, 2);
    }
}
