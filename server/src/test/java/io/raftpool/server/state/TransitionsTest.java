package io.raftpool.server.state;

import static io.raftpool.testkit.Commands.command;
import static io.raftpool.testkit.Commands.report;
import static io.raftpool.testkit.States.T0;
import static io.raftpool.testkit.States.observation;
import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.BeginFailover;
import io.raftpool.proto.BeginRecovery;
import io.raftpool.proto.ClearNeedsRecovery;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.proto.Health;
import io.raftpool.proto.InitCluster;
import io.raftpool.proto.LeaderAnnounce;
import io.raftpool.proto.MarkBackend;
import io.raftpool.proto.Observation;
import io.raftpool.proto.Operation;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.PromotionDone;
import io.raftpool.proto.PromotionFailed;
import io.raftpool.proto.RecoveryDone;
import io.raftpool.proto.RecoveryFailed;
import io.raftpool.proto.RecoveryStep;
import io.raftpool.proto.ReportObservation;
import io.raftpool.proto.SetDetached;
import io.raftpool.proto.SetSyncStandbys;
import io.raftpool.proto.SetVip;
import io.raftpool.proto.SwitchoverDemoted;
import io.raftpool.testkit.Commands;
import io.raftpool.testkit.States;
import com.google.protobuf.TextFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import io.raftpool.server.leader.Liveness;
import io.raftpool.server.leader.StatusPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransitionsTest {

    // ---------------------------------------------------------------------------------------
    // init_cluster
    // ---------------------------------------------------------------------------------------

    @Test
    void initCreatesABackendPerPostgresNodeAndBootstrapsTheChosenPrimaryAtEpochOne() {
        ClusterState s = Transitions.apply(Transitions.empty(), command(5).setInitCluster(Commands.initTwoPlusOne()).build());

        assertThat(ClusterStates.nodeIds(s)).containsExactly(0, 1, 2);
        assertThat(ClusterStates.backendIds(s)).containsExactly(0, 1);
        assertThat(s.getClusterName()).isEqualTo("test");
        Backend primary = s.getBackends(0);
        assertThat(primary.getRole()).isEqualTo(BackendRole.PRIMARY);
        assertThat(primary.getStatus()).isEqualTo(BackendStatus.STATUS_UNKNOWN);
        assertThat(primary.getLagBytes()).isEqualTo(-1);
        assertThat(primary.getStatusChangedMs()).isEqualTo(T0 + 5);
        assertThat(s.getBackends(1).getRole()).isEqualTo(BackendRole.STANDBY);
        assertThat(s.getPrimary().getNodeId()).isZero();
        assertThat(s.getPrimary().getEpoch()).isEqualTo(1);
        assertThat(s.getPrimary().getPhase()).isEqualTo(PrimaryPhase.BOOTSTRAPPING);
        assertThat(s.getEvents(0).getKind()).isEqualTo("init");
        assertThat(s.getEvents(0).getMessage()).contains("3 nodes", "node 0 bootstraps");
        assertThat(s.getNextEventSeq()).isEqualTo(1);
    }

    @Test
    void aSecondInitIsANoOpSoARacingLeaderCannotResetTheCluster() {
        ClusterState once = Transitions.apply(Transitions.empty(), command(0).setInitCluster(Commands.initTwoPlusOne()).build());
        InitCluster other = Commands.initTwoPlusOne().toBuilder().setClusterName("other").setBootstrapPrimary(1).build();

        ClusterState twice = Transitions.apply(once, command(10).setInitCluster(other).build());

        assertThat(twice).isSameAs(once);
    }

    static Stream<Arguments> badInits() {
        InitCluster ok = Commands.initTwoPlusOne();
        return Stream.of(
                Arguments.of("two nodes", ok.toBuilder().removeNodes(2).build(), "at least 3 nodes, got 2"),
                Arguments.of("witness bootstraps", ok.toBuilder().setBootstrapPrimary(2).build(),
                        "bootstrap primary 2 is not a node with PostgreSQL"),
                Arguments.of("unknown bootstrap", ok.toBuilder().setBootstrapPrimary(7).build(),
                        "bootstrap primary 7 is not a node with PostgreSQL"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInits")
    void anInitThatCannotFormAClusterIsRefused(String name, InitCluster init, String why) {
        ClusterState empty = Transitions.empty();
        Command c = command(0).setInitCluster(init).build();

        assertThat(Transitions.validate(empty, c)).hasValueSatisfying(v -> assertThat(v).contains(why));
        assertThat(Transitions.apply(empty, c)).isSameAs(empty);
    }

    // ---------------------------------------------------------------------------------------
    // report
    // ---------------------------------------------------------------------------------------

    @Test
    void anotherAgentsReportIsRecordedAndLeavesTheBackendAlone() {
        ClusterState s = twoPlusOne().build();
        Observation seen = observation(2, 0, Health.UNREACHABLE, BackendRole.ROLE_UNKNOWN, false, "connection refused");

        ClusterState next = Transitions.apply(s, report(seen));

        assertThat(ClusterStates.observation(next, 2, 0)).contains(seen);
        assertThat(next.getObservationsCount()).isEqualTo(s.getObservationsCount());
        assertThat(next.getBackends(0)).isEqualTo(s.getBackends(0));
        assertThat(next.getEventsCount()).isEqualTo(s.getEventsCount());
    }

    @Test
    void theFirstReportOfAnObserverAboutASubjectIsAdded() {
        ClusterState s = twoPlusOne().build().toBuilder().clearObservations().build();
        Observation seen = observation(2, 1, Health.HEALTHY, BackendRole.STANDBY, true, "streaming standby");

        ClusterState next = Transitions.apply(s, report(seen));

        assertThat(next.getObservationsList()).containsExactly(seen);
    }

    @Test
    void theOwnAgentsHealthyReportCopiesWalLagTimelineAndStreamingOntoTheBackend() {
        Observation own = observation(1, 1, Health.HEALTHY, BackendRole.STANDBY, true, "streaming standby").toBuilder()
                .setTimeline(3).setWalLsn(0x5000060L).setLagBytes(4096).setAtMs(T0 + 700).build();

        ClusterState next = Transitions.apply(twoPlusOne().build(), report(own));

        Backend b = next.getBackends(1);
        assertThat(b.getTimeline()).isEqualTo(3);
        assertThat(b.getWalLsn()).isEqualTo(0x5000060L);
        assertThat(b.getLagBytes()).isEqualTo(4096);
        assertThat(b.getReplicationState()).isEqualTo("streaming");
        assertThat(b.getWalReportedMs()).isEqualTo(T0 + 700);
        assertThat(b.getStatus()).isEqualTo(BackendStatus.UP);
    }

    @Test
    void theOwnAgentsUnhealthyReportKeepsTheLastKnownWalPosition() {
        Observation own = observation(1, 1, Health.NOT_RUNNING, BackendRole.ROLE_UNKNOWN, false, "no postmaster")
                .toBuilder().setWalLsn(0).setTimeline(0).build();

        ClusterState next = Transitions.apply(twoPlusOne().build(), report(own));

        assertThat(next.getBackends(1)).isEqualTo(twoPlusOne().build().getBackends(1));
        assertThat(ClusterStates.observation(next, 1, 1)).contains(own);
    }

    @Test
    void theBootstrapPrimaryBecomesActiveOnItsOwnAgentsHealthyPrimaryReport() {
        ClusterState init = Transitions.apply(Transitions.empty(), command(0).setInitCluster(Commands.initTwoPlusOne()).build());
        Observation own = observation(0, 0, Health.HEALTHY, BackendRole.PRIMARY, false, "running as primary")
                .toBuilder().setAtMs(T0 + 900).build();

        ClusterState next = Transitions.apply(init, report(own));

        assertThat(next.getPrimary().getPhase()).isEqualTo(PrimaryPhase.ACTIVE);
        assertThat(next.getPrimary().getEpoch()).isEqualTo(1);
        assertThat(next.getPrimary().getSinceMs()).isEqualTo(T0 + 900);
        assertThat(next.getBackends(0).getStatus()).isEqualTo(BackendStatus.UP);
        assertThat(next.getBackends(0).getRole()).isEqualTo(BackendRole.PRIMARY);
        assertThat(next.getBackends(0).getWalLsn()).isEqualTo(own.getWalLsn());
        assertThat(lastEvent(next).getKind()).isEqualTo("bootstrap");
        assertThat(lastEvent(next).getSeq()).isEqualTo(1);
    }

    static Stream<Arguments> reportsThatDoNotEndTheBootstrap() {
        return Stream.of(
                Arguments.of("another agent sees it as primary",
                        observation(1, 0, Health.HEALTHY, BackendRole.PRIMARY, false, "running as primary")),
                Arguments.of("its own agent sees a standby",
                        observation(0, 0, Health.HEALTHY, BackendRole.STANDBY, false, "standby, not streaming")),
                Arguments.of("its own agent sees no postmaster",
                        observation(0, 0, Health.NOT_RUNNING, BackendRole.ROLE_UNKNOWN, false, "not running")),
                Arguments.of("the other server reports itself primary",
                        observation(1, 1, Health.HEALTHY, BackendRole.PRIMARY, false, "running as primary")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reportsThatDoNotEndTheBootstrap")
    void onlyTheBootstrapPrimarysOwnHealthyPrimaryReportEndsTheBootstrap(String name, Observation o) {
        ClusterState init = Transitions.apply(Transitions.empty(), command(0).setInitCluster(Commands.initTwoPlusOne()).build());

        ClusterState next = Transitions.apply(init, report(o));

        assertThat(next.getPrimary()).isEqualTo(init.getPrimary());
        assertThat(next.getBackends(0).getStatus()).isEqualTo(BackendStatus.STATUS_UNKNOWN);
        assertThat(next.getEventsCount()).isEqualTo(init.getEventsCount());
    }

    // ---------------------------------------------------------------------------------------
    // mark
    // ---------------------------------------------------------------------------------------

    @Test
    void markingChangesTheStatusWithItsReasonAndTimeAndRecordsAnEvent() {
        ClusterState next = Transitions.apply(twoPlusOne().build(), command(40).setMark(MarkBackend.newBuilder()
                .setNodeId(1).setStatus(BackendStatus.DOWN).setReason("2 agents cannot reach it")).build());

        Backend b = next.getBackends(1);
        assertThat(b.getStatus()).isEqualTo(BackendStatus.DOWN);
        assertThat(b.getStatusReason()).isEqualTo("2 agents cannot reach it");
        assertThat(b.getStatusChangedMs()).isEqualTo(T0 + 40);
        assertThat(b.getRole()).isEqualTo(BackendRole.STANDBY);
        assertThat(b.getRoleChangedMs()).isEqualTo(T0);
        assertThat(lastEvent(next).getKind()).isEqualTo("status");
        assertThat(lastEvent(next).getMessage()).isEqualTo("node 1 is down: 2 agents cannot reach it");
        assertThat(lastEvent(next).getAtMs()).isEqualTo(T0 + 40);
    }

    @Test
    void markingWithARoleChangesTheRoleEvenWhenTheStatusStays() {
        ClusterState s = twoPlusOne().build();
        ClusterState next = Transitions.apply(s, command(40).setMark(MarkBackend.newBuilder()
                .setNodeId(1).setStatus(BackendStatus.UP).setRole(BackendRole.STANDBY).setReason("x")).build());
        assertThat(next).as("the same status and role").isSameAs(s);

        ClusterState downNode = twoPlusOne().backend(1, b -> b.setStatus(BackendStatus.DOWN)).build();
        ClusterState roleChanged = Transitions.apply(downNode, command(50).setMark(MarkBackend.newBuilder()
                .setNodeId(1).setStatus(BackendStatus.DOWN).setRole(BackendRole.PRIMARY).setReason("x")).build());

        assertThat(roleChanged.getBackends(1).getRole()).isEqualTo(BackendRole.PRIMARY);
        assertThat(roleChanged.getBackends(1).getRoleChangedMs()).isEqualTo(T0 + 50);
        assertThat(roleChanged.getBackends(1).getStatusChangedMs()).isEqualTo(downNode.getBackends(1).getStatusChangedMs());
        assertThat(lastEvent(roleChanged).getMessage()).contains("(primary)");
    }

    @Test
    void markingWithTheCommittedStatusAndNoRoleIsANoOpWithoutAnEvent() {
        ClusterState s = twoPlusOne().build();

        ClusterState next = Transitions.apply(s, command(40).setMark(MarkBackend.newBuilder()
                .setNodeId(1).setStatus(BackendStatus.UP).setReason("streaming again")).build());

        assertThat(next).isSameAs(s);
    }

    // ---------------------------------------------------------------------------------------
    // begin_failover, promotion_done, promotion_failed
    // ---------------------------------------------------------------------------------------

    static Command beginFailover(Operation.Kind kind, long epoch, int target, int old) {
        return command(100).setTerm(4).setBeginFailover(BeginFailover.newBuilder()
                .setKind(kind).setNewEpoch(epoch).setTarget(target).setOldPrimary(old)
                .setReason("primary failed").addEvidence("agent 1: connection refused")
                .addEvidence("agent 2: connection refused").setDetectedMs(T0 + 60)).build();
    }

    @Test
    void aFailoverMovesThePrimaryToTheTargetAtTheNextEpochAndTakesTheOldOneDown() {
        ClusterState next = Transitions.apply(twoPlusOne().build(), beginFailover(Operation.Kind.FAILOVER, 2, 1, 0));

        assertThat(next.getPrimary().getNodeId()).isEqualTo(1);
        assertThat(next.getPrimary().getEpoch()).isEqualTo(2);
        assertThat(next.getPrimary().getPhase()).isEqualTo(PrimaryPhase.PROMOTING);
        assertThat(next.getPrimary().getSinceMs()).isEqualTo(T0 + 100);
        Backend old = next.getBackends(0);
        assertThat(old.getStatus()).isEqualTo(BackendStatus.DOWN);
        assertThat(old.getNeedsRecovery()).isTrue();
        assertThat(old.getStatusReason()).isEqualTo("primary failed");
        assertThat(next.getBackends(1)).as("the target is changed only when its promotion is done")
                .isEqualTo(twoPlusOne().build().getBackends(1));
        Operation op = next.getOperation();
        assertThat(op.getKind()).isEqualTo(Operation.Kind.FAILOVER);
        assertThat(op.getEpoch()).isEqualTo(2);
        assertThat(op.getTarget()).isEqualTo(1);
        assertThat(op.getOldPrimary()).isZero();
        assertThat(op.getEvidenceList()).hasSize(2);
        assertThat(op.getDetectedMs()).isEqualTo(T0 + 60);
        assertThat(op.getStartedMs()).isEqualTo(T0 + 100);
        assertThat(op.getTerm()).isEqualTo(4);
        assertThat(op.getPhase()).isEqualTo("promoting");
        assertThat(lastEvent(next).getKind()).isEqualTo("failover");
        assertThat(lastEvent(next).getEpoch()).isEqualTo(2);
        assertThat(lastEvent(next).getMessage()).contains("epoch 2", "promoting node 1 in place of node 0",
                "agent 1: connection refused");
    }

    @Test
    void aFailoverWithoutADetectionTimeCountsFromWhenItBegan() {
        Command c = beginFailover(Operation.Kind.FAILOVER, 2, 1, 0);
        c = c.toBuilder().setBeginFailover(c.getBeginFailover().toBuilder().setDetectedMs(0)).build();

        assertThat(Transitions.apply(twoPlusOne().build(), c).getOperation().getDetectedMs()).isEqualTo(T0 + 100);
    }

    static Stream<Arguments> replacedPrimaries() {
        return Stream.of(
                Arguments.of(Operation.Kind.FAILOVER, true, "primary failed"),
                Arguments.of(Operation.Kind.PROMOTE, true, "primary failed"),
                Arguments.of(Operation.Kind.SWITCHOVER, false, "switchover: handing over to node 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replacedPrimaries")
    void theReplacedPrimaryIsShownAsADownStandbySoThereIsNeverASecondUpPrimary(Operation.Kind kind,
                                                                              boolean needsRecovery, String reason) {
        ClusterState next = Transitions.apply(twoPlusOne().build(), beginFailover(kind, 2, 1, 0));

        Backend old = next.getBackends(0);
        assertThat(old.getRole()).isEqualTo(BackendRole.STANDBY);
        assertThat(old.getRoleChangedMs()).isEqualTo(T0 + 100);
        assertThat(old.getStatus()).isEqualTo(BackendStatus.DOWN);
        assertThat(old.getStatusReason()).isEqualTo(reason);
        assertThat(old.getNeedsRecovery()).as("diverged: must be rebuilt (a switchover stops it cleanly first)")
                .isEqualTo(needsRecovery);
        assertThat(next.getOperation().getKind()).isEqualTo(kind);
        assertThat(lastEvent(next).getKind()).isEqualTo(Failovers.kindName(kind));
        ClusterState done = Transitions.apply(next, promotionDone(2, 1));
        assertThat(upPrimaries(done)).containsExactly(1);
    }

    @Test
    void aFailoverFromAnAlreadyDownPrimaryKeepsWhenAndWhyItWentDown() {
        ClusterState down = twoPlusOne().backend(0, b -> b.setStatus(BackendStatus.DOWN)
                .setStatusReason("its agent sees no PostgreSQL process").setStatusChangedMs(T0 + 20)).build();

        Backend old = Transitions.apply(down, beginFailover(Operation.Kind.FAILOVER, 2, 1, 0)).getBackends(0);

        assertThat(old.getStatusChangedMs()).isEqualTo(T0 + 20);
        assertThat(old.getStatusReason()).isEqualTo("its agent sees no PostgreSQL process");
    }

    @Test
    void aFailoverWithoutAnOldPrimaryChangesNoOtherBackend() {
        ClusterState s = twoPlusOne().primary(-1, 1, PrimaryPhase.PHASE_NONE).build();

        ClusterState next = Transitions.apply(s, beginFailover(Operation.Kind.FAILOVER, 2, 1, -1));

        assertThat(next.getBackendsList()).isEqualTo(s.getBackendsList());
        assertThat(lastEvent(next).getMessage()).doesNotContain("in place of");
    }

    @ParameterizedTest(name = "new epoch {0}")
    @MethodSource("notTheNextEpoch")
    void aFailoverMustCreateExactlyTheNextEpoch(long epoch) {
        ClusterState s = twoPlusOne().build();
        Command c = beginFailover(Operation.Kind.FAILOVER, epoch, 1, 0);

        assertThat(Transitions.validate(s, c)).hasValueSatisfying(v ->
                assertThat(v).contains("epoch " + epoch + " is not the next epoch (committed 1)"));
        assertThat(Transitions.apply(s, c)).isSameAs(s);
    }

    static Stream<Long> notTheNextEpoch() {
        return Stream.of(0L, 1L, 3L, 100L);
    }

    @Test
    void aFailoverToAWitnessOrAnUnknownNodeIsRefused() {
        assertThat(Transitions.validate(twoPlusOne().build(), beginFailover(Operation.Kind.FAILOVER, 2, 2, 0)))
                .contains("node 2 is a witness: it has no PostgreSQL server");
        assertThat(Transitions.validate(twoPlusOne().build(), beginFailover(Operation.Kind.FAILOVER, 2, 9, 0)))
                .contains("node 9 is not in the cluster; nodes with PostgreSQL are [0, 1]");
    }

    static Command promotionDone(long epoch, int node) {
        return command(400).setPromotionDone(PromotionDone.newBuilder().setEpoch(epoch).setNodeId(node)
                .setTimeline(2).setPromoteMs(120)).build();
    }

    @Test
    void theDonePromotionMakesTheTargetTheActivePrimaryAndEndsTheOperation() {
        ClusterState promoting = Transitions.apply(twoPlusOne().build(), beginFailover(Operation.Kind.FAILOVER, 2, 1, 0));

        ClusterState next = Transitions.apply(promoting, promotionDone(2, 1));

        assertThat(next.getPrimary().getNodeId()).isEqualTo(1);
        assertThat(next.getPrimary().getEpoch()).isEqualTo(2);
        assertThat(next.getPrimary().getPhase()).isEqualTo(PrimaryPhase.ACTIVE);
        Backend b = next.getBackends(1);
        assertThat(b.getStatus()).isEqualTo(BackendStatus.UP);
        assertThat(b.getRole()).isEqualTo(BackendRole.PRIMARY);
        assertThat(b.getTimeline()).isEqualTo(2);
        assertThat(b.getLagBytes()).isZero();
        assertThat(b.getReplicationState()).isEmpty();
        assertThat(b.getRoleChangedMs()).isEqualTo(T0 + 400);
        assertThat(next.hasOperation()).isFalse();
        Event e = lastEvent(next);
        assertThat(e.getDurationMs()).as("since the failure was confirmed").isEqualTo(400 - 60);
        assertThat(e.getMessage()).contains("node 1 is primary at epoch 2 (timeline 2)", "promotion took 120 ms");
    }

    static Stream<Arguments> promotionOutcomesThatDoNotFit() {
        return Stream.of(
                Arguments.of("stale epoch", 1L, 1),
                Arguments.of("future epoch", 3L, 1),
                Arguments.of("another node", 2L, 0),
                Arguments.of("a witness", 2L, 2));
    }

    @ParameterizedTest(name = "promotion_done: {0}")
    @MethodSource("promotionOutcomesThatDoNotFit")
    void aPromotionDoneThatIsNotThePromotionInProgressChangesNothing(String name, long epoch, int node) {
        ClusterState promoting = Transitions.apply(twoPlusOne().build(), beginFailover(Operation.Kind.FAILOVER, 2, 1, 0));

        Command c = promotionDone(epoch, node);

        assertThat(Transitions.validate(promoting, c)).hasValueSatisfying(v ->
                assertThat(v).contains("node " + node + " epoch " + epoch + " is not the promotion in progress"));
        assertThat(Transitions.apply(promoting, c)).isSameAs(promoting);
    }

    @ParameterizedTest(name = "promotion_failed: {0}")
    @MethodSource("promotionOutcomesThatDoNotFit")
    void aPromotionFailedThatIsNotThePromotionInProgressChangesNothing(String name, long epoch, int node) {
        ClusterState promoting = Transitions.apply(twoPlusOne().build(), beginFailover(Operation.Kind.FAILOVER, 2, 1, 0));

        Command c = promotionFailed(epoch, node);

        assertThat(Transitions.validate(promoting, c)).isPresent();
        assertThat(Transitions.apply(promoting, c)).isSameAs(promoting);
    }

    @Test
    void aLatePromotionDoneAfterThePromotionCompletedIsANoOp() {
        ClusterState active = Transitions.apply(
                Transitions.apply(twoPlusOne().build(), beginFailover(Operation.Kind.FAILOVER, 2, 1, 0)), promotionDone(2, 1));

        assertThat(Transitions.apply(active, promotionDone(2, 1))).isSameAs(active);
        assertThat(Transitions.apply(active, promotionFailed(2, 1))).isSameAs(active);
    }

    static Command promotionFailed(long epoch, int node) {
        return command(500).setPromotionFailed(PromotionFailed.newBuilder().setEpoch(epoch).setNodeId(node)
                .setReason("still in recovery after 10000 ms")).build();
    }

    @Test
    void aFailedPromotionLeavesNoPrimaryTakesTheTargetDownAndKeepsTheOperationForTheNextLeader() {
        ClusterState promoting = Transitions.apply(twoPlusOne().build(), beginFailover(Operation.Kind.FAILOVER, 2, 1, 0));

        ClusterState next = Transitions.apply(promoting, promotionFailed(2, 1));

        assertThat(next.getPrimary().getPhase()).isEqualTo(PrimaryPhase.PHASE_NONE);
        assertThat(next.getPrimary().getEpoch()).as("the epoch is never reused").isEqualTo(2);
        assertThat(ClusterStates.activePrimary(next)).isEmpty();
        assertThat(next.getBackends(1).getStatus()).isEqualTo(BackendStatus.DOWN);
        assertThat(next.getBackends(1).getStatusReason()).isEqualTo("promotion failed: still in recovery after 10000 ms");
        assertThat(next.getOperation().getOldPrimary()).isZero();
        assertThat(next.getOperation().getPhase()).isEqualTo("promotion failed");
        assertThat(lastEvent(next).getMessage()).contains("promotion of node 1 at epoch 2 failed");
        assertThat(Transitions.validate(next, beginFailover(Operation.Kind.FAILOVER, 3, 0, 0))).isEmpty();
    }

    // ---------------------------------------------------------------------------------------
    // set_vip, set_detached, clear_needs_recovery, leader_announce, append_event
    // ---------------------------------------------------------------------------------------

    static Command setVip(int node, long term) {
        return command(600 + term).setSetVip(SetVip.newBuilder().setNodeId(node)
                .setAddress(node < 0 ? "" : "10.0.0.100/24").setTerm(term)).build();
    }

    @Test
    void theVipHolderIsRecordedWithItsTermAndAnEvent() {
        ClusterState next = Transitions.apply(twoPlusOne().build(), setVip(2, 3));

        assertThat(next.getVip().getNodeId()).isEqualTo(2);
        assertThat(next.getVip().getTerm()).isEqualTo(3);
        assertThat(next.getVip().getAddress()).isEqualTo("10.0.0.100/24");
        assertThat(lastEvent(next).getKind()).isEqualTo("vip");
        assertThat(Transitions.apply(next, setVip(2, 3))).as("the same holder again").isSameAs(next);
    }

    @Test
    void anOldHoldersLateReleaseDoesNotEraseANewerHolder() {
        ClusterState held = Transitions.apply(Transitions.apply(twoPlusOne().build(), setVip(1, 3)), setVip(2, 5));

        ClusterState lateRelease = Transitions.apply(held, setVip(-1, 3));

        assertThat(lateRelease).isSameAs(held);
        ClusterState ownRelease = Transitions.apply(held, setVip(-1, 5));
        assertThat(ownRelease.getVip().getNodeId()).isEqualTo(-1);
        assertThat(lastEvent(ownRelease).getMessage()).contains("released by node 2");
    }

    @Test
    void theVipCannotGoToANodeOutsideTheCluster() {
        assertThat(Transitions.validate(twoPlusOne().build(), setVip(7, 3))).hasValueSatisfying(v ->
                assertThat(v).contains("vip holder node 7 is not in the cluster"));
    }

    @Test
    void detachingAndAttachingFlipTheFlagOnceEach() {
        Command detach = command(700).setSetDetached(SetDetached.newBuilder().setNodeId(1).setDetached(true)
                .setReason("detach-node 1 requested by an operator")).build();
        Command attach = command(800).setSetDetached(SetDetached.newBuilder().setNodeId(1).setDetached(false)
                .setReason("attach-node 1 requested by an operator")).build();

        ClusterState s = twoPlusOne().build();
        ClusterState detached = Transitions.apply(s, detach);
        assertThat(detached.getBackends(1).getDetached()).isTrue();
        assertThat(lastEvent(detached).getKind()).isEqualTo("detach");
        assertThat(Transitions.apply(detached, detach)).isSameAs(detached);

        ClusterState attached = Transitions.apply(detached, attach);
        assertThat(attached.getBackends(1).getDetached()).isFalse();
        assertThat(lastEvent(attached).getKind()).isEqualTo("attach");
        assertThat(Transitions.apply(s, attach)).as("attached already").isSameAs(s);
    }

    @Test
    void clearingNeedsRecoveryAppliesOnlyToANodeThatNeedsIt() {
        Command clear = command(900).setClearNeedsRecovery(ClearNeedsRecovery.newBuilder().setNodeId(1)
                .setReason("rebuilt with pg_rewind")).build();
        ClusterState needs = twoPlusOne().backend(1, b -> b.setNeedsRecovery(true).setStatus(BackendStatus.DOWN)).build();

        ClusterState cleared = Transitions.apply(needs, clear);

        assertThat(cleared.getBackends(1).getNeedsRecovery()).isFalse();
        assertThat(lastEvent(cleared).getKind()).isEqualTo("recovery");
        assertThat(lastEvent(cleared).getMessage()).isEqualTo("node 1 no longer needs recovery: rebuilt with pg_rewind");
        ClusterState s = twoPlusOne().build();
        assertThat(Transitions.apply(s, clear)).isSameAs(s);
    }

    @Test
    void aFinishedRecoveryReplacesTheOwnAgentsStoppedOpinionSoTheServerIsNotMarkedDownAgain() {
        ClusterState failedOver = Transitions.apply(
                Transitions.apply(twoPlusOne().build(), beginFailover(Operation.Kind.FAILOVER, 2, 1, 0)), promotionDone(2, 1));
        // while it was rebuilt, node 0's agent saw its server stopped, and said so
        ClusterState stopped = States.of(failedOver).observed(0, 0, Health.NOT_RUNNING, BackendRole.ROLE_UNKNOWN, false,
                "postmaster is not running").build();
        ClusterState recovering = Transitions.apply(stopped, command(500).setBeginRecovery(BeginRecovery.newBuilder()
                .setNodeId(0).setEpoch(2).setSource(1).setRequestedBy("recovery-node")).build());
        ClusterState done = Transitions.apply(recovering, command(900).setRecoveryDone(RecoveryDone.newBuilder()
                .setNodeId(0).setEpoch(2).setMethod("pg_rewind").setTimeline(2).setDurationMs(800)).build());

        assertThat(done.getRecoveriesList()).isEmpty();
        assertThat(done.getBackends(0).getStatus()).isEqualTo(BackendStatus.UP);
        Observation own = ClusterStates.observation(done, 0, 0).orElseThrow();
        assertThat(own.getHealth()).isEqualTo(Health.HEALTHY);
        assertThat(own.getRole()).isEqualTo(BackendRole.STANDBY);
        Liveness everyoneAlive = new Liveness(Map.of(0, T0 + 900, 1, T0 + 900, 2, T0 + 900), T0 + 1000, 750);
        assertThat(StatusPolicy.decide(done, everyoneAlive)).as("no mark from the stale opinion").isEmpty();
    }

    @Test
    void aFailureReportedForAnOlderRecoveryLeavesTheCurrentOneRunning() {
        ClusterState failedOver = Transitions.apply(
                Transitions.apply(twoPlusOne().build(), beginFailover(Operation.Kind.FAILOVER, 2, 1, 0)), promotionDone(2, 1));
        ClusterState recovering = Transitions.apply(failedOver, command(500).setBeginRecovery(BeginRecovery.newBuilder()
                .setNodeId(0).setEpoch(2).setSource(1).setRequestedBy("recovery-node")).build());
        Command stale = command(600).setRecoveryFailed(RecoveryFailed.newBuilder().setNodeId(0).setEpoch(1)
                .setReason("a recovery replayed from the log")).build();
        Command current = command(700).setRecoveryFailed(RecoveryFailed.newBuilder().setNodeId(0).setEpoch(2)
                .setReason("pg_basebackup failed")).build();

        assertThat(Transitions.apply(recovering, stale)).isSameAs(recovering);
        ClusterState failed = Transitions.apply(recovering, current);
        assertThat(failed.getRecoveriesList()).isEmpty();
        assertThat(failed.getBackends(0).getNeedsRecovery()).isTrue();
    }

    @Test
    void aRebuiltFormerPrimaryComesBackAsAStandby() {
        ClusterState failedOver = Transitions.apply(
                Transitions.apply(twoPlusOne().build(), beginFailover(Operation.Kind.FAILOVER, 2, 1, 0)), promotionDone(2, 1));
        Command clear = command(900).setClearNeedsRecovery(ClearNeedsRecovery.newBuilder().setNodeId(0)
                .setReason("rebuilt with pg_rewind")).build();
        Command up = command(950).setMark(MarkBackend.newBuilder().setNodeId(0).setStatus(BackendStatus.UP)
                .setReason("streaming from the primary")).build();

        ClusterState rebuilt = Transitions.apply(Transitions.apply(failedOver, clear), up);

        assertThat(rebuilt.getBackends(0).getStatus()).isEqualTo(BackendStatus.UP);
        assertThat(rebuilt.getBackends(0).getRole()).isEqualTo(BackendRole.STANDBY);
        assertThat(upPrimaries(rebuilt)).containsExactly(1);
    }

    static Command announce(int node, long term) {
        return command(1000 + term).setLeaderAnnounce(LeaderAnnounce.newBuilder().setNodeId(node).setTerm(term)).build();
    }

    @Test
    void onlyALeaderOfANewerTermIsRecorded() {
        ClusterState first = Transitions.apply(twoPlusOne().build(), announce(1, 3));
        assertThat(first.getLeaderNode()).isEqualTo(1);
        assertThat(first.getLeaderTerm()).isEqualTo(3);
        assertThat(lastEvent(first).getMessage()).isEqualTo("node 1 is the Raft leader at term 3");

        assertThat(Transitions.apply(first, announce(2, 3))).as("same term").isSameAs(first);
        assertThat(Transitions.apply(first, announce(2, 2))).as("older term").isSameAs(first);

        ClusterState second = Transitions.apply(first, announce(2, 4));
        assertThat(second.getLeaderNode()).isEqualTo(2);
        assertThat(lastEvent(second).getMessage()).contains("(was node 1)");
        assertThat(Transitions.validate(second, announce(5, 9))).isPresent();
    }

    @Test
    void anAppendedEventGetsTheNextSeqAndTheIssueTime() {
        Command c = command(1234).setAppendEvent(AppendEvent.newBuilder().setEvent(Event.newBuilder()
                .setSeq(999).setAtMs(1).setKind("failover").setNodeId(0).setMessage("no standby can take over"))).build();

        ClusterState next = Transitions.apply(twoPlusOne().build(), c);

        Event e = lastEvent(next);
        assertThat(e.getSeq()).isEqualTo(twoPlusOne().build().getNextEventSeq());
        assertThat(e.getAtMs()).isEqualTo(T0 + 1234);
        assertThat(e.getMessage()).isEqualTo("no standby can take over");
        assertThat(next.getNextEventSeq()).isEqualTo(twoPlusOne().build().getNextEventSeq() + 1);
    }

    @Test
    void theEventHistoryKeepsOnlyTheNewestMaxEventsWithIncreasingSeq() {
        ClusterState s = twoPlusOne().build();
        int total = Transitions.MAX_EVENTS + 37;
        for (int i = 0; i < total; i++) {
            s = Transitions.apply(s, command(i).setAppendEvent(AppendEvent.newBuilder()
                    .setEvent(Event.newBuilder().setKind("test").setMessage("event " + i))).build());
        }

        assertThat(s.getEventsCount()).isEqualTo(Transitions.MAX_EVENTS);
        assertThat(s.getEvents(0).getMessage()).isEqualTo("event 37");
        assertThat(lastEvent(s).getMessage()).isEqualTo("event " + (total - 1));
        for (int i = 1; i < s.getEventsCount(); i++) {
            assertThat(s.getEvents(i).getSeq()).isEqualTo(s.getEvents(i - 1).getSeq() + 1);
        }
        assertThat(s.getNextEventSeq()).isEqualTo(lastEvent(s).getSeq() + 1);
    }

    // ---------------------------------------------------------------------------------------
    // refusals: unknown nodes and witnesses
    // ---------------------------------------------------------------------------------------

    static Stream<Arguments> commandsThatDoNotFitTwoPlusOne() {
        return Stream.of(
                Arguments.of("no kind", command(0).build(), "command has no kind"),
                Arguments.of("report by an unknown observer", report(observation(9, 0, Health.HEALTHY,
                        BackendRole.PRIMARY, false, "")), "observer node 9 is not in the cluster; nodes are [0, 1, 2]"),
                Arguments.of("report about a witness", report(observation(0, 2, Health.HEALTHY,
                        BackendRole.PRIMARY, false, "")), "node 2 is a witness"),
                Arguments.of("mark a witness", command(0).setMark(MarkBackend.newBuilder().setNodeId(2)
                        .setStatus(BackendStatus.DOWN)).build(), "node 2 is a witness"),
                Arguments.of("mark an unknown node", command(0).setMark(MarkBackend.newBuilder().setNodeId(-1)
                        .setStatus(BackendStatus.DOWN)).build(), "node -1 is not in the cluster"),
                Arguments.of("detach a witness", command(0).setSetDetached(SetDetached.newBuilder().setNodeId(2)
                        .setDetached(true)).build(), "node 2 is a witness"),
                Arguments.of("clear an unknown node", command(0).setClearNeedsRecovery(ClearNeedsRecovery.newBuilder()
                        .setNodeId(4)).build(), "node 4 is not in the cluster"),
                Arguments.of("announce an unknown leader", announce(4, 9), "leader node 4 is not in the cluster"),
                Arguments.of("report before init", null, "observer node 0 is not in the cluster"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commandsThatDoNotFitTwoPlusOne")
    void aCommandThatDoesNotFitIsRefusedWithTheReasonAndApplyLeavesTheStateAsItWas(String name, Command c, String why) {
        ClusterState s = c == null ? Transitions.empty() : twoPlusOne().build();
        Command command = c == null ? report(observation(0, 0, Health.HEALTHY, BackendRole.PRIMARY, false, "")) : c;

        assertThat(Transitions.validate(s, command)).hasValueSatisfying(v -> assertThat(v).contains(why));
        assertThat(Transitions.apply(s, command)).isSameAs(s);
    }

    /**
     * Found by TransitionsPropertiesTest: the old primary of a switchover left the cluster
     * (remove-node) before its agent's switchover_demoted was applied, which validated against an
     * older state. Apply threw IndexOutOfBoundsException (it would stop every Raft member alike);
     * it must refuse the command instead.
     */
    @Test
    void aSwitchoverDemotedFromAnOldPrimaryThatLeftIsRefusedNotThrown() {
        ClusterState s = States.cluster(3, 1).build();
        s = Transitions.apply(s, command(100).setBeginFailover(BeginFailover.newBuilder().setKind(Operation.Kind.SWITCHOVER)
                .setNewEpoch(2).setTarget(1).setOldPrimary(0).setReason("switchover")).build());
        s = Transitions.apply(s, command(200).setRemoveNode(io.raftpool.proto.RemoveNode.newBuilder().setNodeId(0)
                .setReason("decommissioned")).build());
        assertThat(ClusterStates.backend(s, 0)).as("node 0 left").isEmpty();
        Command demoted = command(300).setSwitchoverDemoted(SwitchoverDemoted.newBuilder().setEpoch(2).setNodeId(0)
                .setFinalLsn(0x4000000L)).build();

        assertThat(Transitions.validate(s, demoted)).get().asString().contains("node 0 is not in the cluster");
        assertThat(Transitions.apply(s, demoted)).isSameAs(s);
    }

    // ---------------------------------------------------------------------------------------
    // properties over random command sequences
    // ---------------------------------------------------------------------------------------

    private static final int SEQUENCES = 300;
    private static final int STEPS = 200;

    /**
     * Random sequences of commands of every kind (recovery and switchover steps included), with random (often stale, sometimes unknown)
     * nodes, epochs and terms, applied from the empty state. After every step: apply did not
     * throw, left its input untouched, gave the same result twice, returned the input itself
     * when validate refused; never two up primaries while a primary is active; the epoch never
     * went down; event seqs strictly increase and the history stays bounded.
     */
    @Test
    void randomCommandSequencesKeepTheInvariants() {
        long base = Long.getLong("raftpool.seed", System.nanoTime());
        for (int run = 0; run < SEQUENCES; run++) {
            long seed = base + run;
            Random r = new Random(seed);
            ClusterState s = Transitions.empty();
            List<Command> trace = new ArrayList<>();
            try {
                for (int step = 0; step < STEPS; step++) {
                    Command c = randomCommand(s, r, step);
                    trace.add(c);
                    ClusterState copy = s.toBuilder().build();
                    boolean refused = Transitions.validate(s, c).isPresent();

                    ClusterState next = Transitions.apply(s, c);

                    assertThat(s).as("input untouched").isEqualTo(copy);
                    assertThat(Transitions.apply(copy, c)).as("deterministic").isEqualTo(next);
                    if (refused) {
                        assertThat(next).as("refused: unchanged").isSameAs(s);
                    }
                    assertThat(upPrimaries(next).size() <= 1 || next.getPrimary().getPhase() != PrimaryPhase.ACTIVE)
                            .as("two up primaries while active: %s", next.getBackendsList()).isTrue();
                    assertThat(next.getPrimary().getEpoch()).as("epoch").isGreaterThanOrEqualTo(s.getPrimary().getEpoch());
                    assertThat(next.getEventsCount()).isLessThanOrEqualTo(Transitions.MAX_EVENTS);
                    for (int i = 1; i < next.getEventsCount(); i++) {
                        assertThat(next.getEvents(i).getSeq()).isGreaterThan(next.getEvents(i - 1).getSeq());
                    }
                    if (next.getEventsCount() > 0) {
                        assertThat(next.getNextEventSeq()).isGreaterThan(lastEvent(next).getSeq());
                    }
                    s = next;
                }
            } catch (AssertionError | RuntimeException e) {
                fail("seed " + seed + " (rerun with -Draftpool.seed=" + seed + "): " + e.getMessage()
                        + "\nlast commands:\n" + tail(trace, 30), e);
            }
        }
    }

    /** The generator's cluster: nodes 0..2 with PostgreSQL, witness 3. */
    private static final InitCluster RANDOM_INIT = Commands.init(States.cluster(3, 1).build(), 0);

    private static Command randomCommand(ClusterState s, Random r, int step) {
        Command.Builder c = command(step * 100L).setIssuer(r.nextInt(4)).setTerm(r.nextInt(4));
        int roll = r.nextInt(10);
        int node = roll < 8 ? r.nextInt(3) : roll == 8 ? 3 : 4 + r.nextInt(3) - 2;   // mostly backends; witness; unknown
        long epoch = s.getPrimary().getEpoch() + (r.nextBoolean() ? 1 : r.nextInt(4) - 1);
        int primary = s.getPrimary().getNodeId();
        int kind = step == 0 && r.nextInt(5) > 0 ? 0 : r.nextInt(17);
        switch (kind) {
            case 0 -> c.setInitCluster(RANDOM_INIT.toBuilder().setBootstrapPrimary(r.nextInt(3)));
            case 1 -> {
                // the own agent's reports most often, so that the bootstrap can complete
                int observer = r.nextBoolean() ? node : r.nextInt(4);
                Health h = Health.forNumber(r.nextInt(4));
                BackendRole role = r.nextBoolean() ? BackendRole.PRIMARY : BackendRole.STANDBY;
                c.setReport(ReportObservation.newBuilder().setObservation(
                        observation(observer, node, h, role, r.nextBoolean(), "random").toBuilder()
                                .setAtMs(T0 + step * 100L).setWalLsn(r.nextInt(1000)).build()));
            }
            // role primary is given only by the bootstrap and by promotion_done; no decider marks it
            case 2 -> c.setMark(MarkBackend.newBuilder().setNodeId(node)
                    .setStatus(BackendStatus.forNumber(r.nextInt(4)))
                    .setRole(r.nextBoolean() ? BackendRole.ROLE_UNKNOWN : BackendRole.STANDBY).setReason("random"));
            // callers name the committed primary as the old one (LeaderDuties, AdminActions), or the
            // old primary of the failed operation when there is no primary
            case 3 -> c.setBeginFailover(BeginFailover.newBuilder()
                    .setKind(Operation.Kind.forNumber(1 + r.nextInt(3))).setNewEpoch(epoch)
                    .setTarget(r.nextInt(4) > 0 && primary >= 0 && primary < 3 ? (primary + 1 + r.nextInt(2)) % 3 : node)
                    .setOldPrimary(s.getPrimary().getPhase() == PrimaryPhase.PHASE_NONE && s.hasOperation()
                            ? s.getOperation().getOldPrimary() : primary)
                    .setReason("random"));
            case 4 -> c.setPromotionDone(PromotionDone.newBuilder()
                    .setEpoch(r.nextBoolean() ? s.getPrimary().getEpoch() : epoch)
                    .setNodeId(r.nextBoolean() ? primary : node).setTimeline(epoch));
            case 5 -> c.setPromotionFailed(PromotionFailed.newBuilder()
                    .setEpoch(r.nextBoolean() ? s.getPrimary().getEpoch() : epoch)
                    .setNodeId(r.nextBoolean() ? primary : node).setReason("random"));
            case 6 -> c.setSetVip(SetVip.newBuilder().setNodeId(r.nextBoolean() ? -1 : node)
                    .setAddress("10.0.0.100/24").setTerm(r.nextInt(5)));
            case 7 -> c.setSetDetached(SetDetached.newBuilder().setNodeId(node).setDetached(r.nextBoolean()));
            case 8 -> c.setClearNeedsRecovery(ClearNeedsRecovery.newBuilder().setNodeId(node).setReason("random"));
            case 9 -> c.setLeaderAnnounce(LeaderAnnounce.newBuilder().setNodeId(node).setTerm(r.nextInt(6)));
            case 11 -> c.setBeginRecovery(BeginRecovery.newBuilder().setNodeId(node)
                    .setEpoch(r.nextBoolean() ? s.getPrimary().getEpoch() : epoch)
                    .setSource(r.nextBoolean() ? primary : r.nextInt(3)).setRequestedBy("random"));
            case 12 -> c.setRecoveryStep(RecoveryStep.newBuilder().setNodeId(node)
                    .setEpoch(r.nextBoolean() ? s.getPrimary().getEpoch() : epoch).setPhase("pg_rewind").setMethod("rewind"));
            case 13 -> c.setRecoveryDone(RecoveryDone.newBuilder().setNodeId(node)
                    .setEpoch(r.nextBoolean() ? s.getPrimary().getEpoch() : epoch).setMethod("rewind").setTimeline(epoch));
            case 14 -> c.setRecoveryFailed(RecoveryFailed.newBuilder().setNodeId(node)
                    .setEpoch(r.nextBoolean() ? s.getPrimary().getEpoch() : epoch).setReason("random"));
            case 15 -> c.setSwitchoverDemoted(SwitchoverDemoted.newBuilder()
                    .setEpoch(r.nextBoolean() ? s.getPrimary().getEpoch() : epoch)
                    .setNodeId(r.nextBoolean() && s.hasOperation() ? s.getOperation().getOldPrimary() : node)
                    .setFinalLsn(r.nextInt(1000)));
            case 16 -> c.setSetSyncStandbys(SetSyncStandbys.newBuilder().addNodes(node).setReason("random"));
            default -> c.setAppendEvent(AppendEvent.newBuilder().setEvent(Event.newBuilder().setKind("test")
                    .setSeq(r.nextInt(5)).setMessage("random")));
        }
        return c.build();
    }

    // ---------------------------------------------------------------------------------------

    private static List<Integer> upPrimaries(ClusterState s) {
        return s.getBackendsList().stream()
                .filter(b -> b.getRole() == BackendRole.PRIMARY && b.getStatus() == BackendStatus.UP)
                .map(Backend::getNodeId).toList();
    }

    private static Event lastEvent(ClusterState s) {
        assertThat(s.getEventsCount()).as("events").isPositive();
        return s.getEvents(s.getEventsCount() - 1);
    }

    private static String tail(List<Command> trace, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = Math.max(0, trace.size() - n); i < trace.size(); i++) {
            b.append(i).append(": ").append(TextFormat.shortDebugString(trace.get(i))).append('\n');
        }
        return b.toString();
    }
}
