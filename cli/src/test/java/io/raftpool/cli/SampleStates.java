package io.raftpool.cli;

import io.raftpool.proto.AgentStatus;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.Health;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Observation;
import io.raftpool.proto.Operation;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import io.raftpool.proto.VipHolder;
import io.raftpool.proto.WatchdogInfo;
import java.time.Instant;

/**
 * Test-only: hand-built committed states of the design's scenario, right after pgsql1 (node 0)
 * failed and pgsql2 (node 1) was promoted at epoch 2. The witness (node 2) is Raft leader and
 * holds the VIP. Times are fixed; render them in UTC.
 */
public final class SampleStates {
    /** 2025-11-26 01:05:03 UTC. */
    public static final long T0 = Instant.parse("2025-11-26T01:05:03Z").toEpochMilli();

    private SampleStates() {}

    public static ClusterState afterFailover() {
        return ClusterState.newBuilder()
                .setFormatVersion(1).setClusterName("scenario").setConfigVersion(1)
                .addNodes(NodeInfo.newBuilder().setId(0).setName("pgsql1").setHost("10.0.0.11").setRaftPort(7400)
                        .setAdminPort(7410).setProxyRwPort(9999).setProxyRoPort(9998).setPgPort(5432)
                        .setPgDataDir("/var/lib/postgresql/15/raftpool").setPriority(0))
                .addNodes(NodeInfo.newBuilder().setId(1).setName("pgsql2").setHost("10.0.0.12").setRaftPort(7400)
                        .setAdminPort(7410).setProxyRwPort(9999).setProxyRoPort(9998).setPgPort(5432)
                        .setPgDataDir("/var/lib/postgresql/15/raftpool").setPriority(10))
                .addNodes(NodeInfo.newBuilder().setId(2).setName("witness").setHost("10.0.0.13").setRaftPort(7400)
                        .setAdminPort(7410).setWitness(true))
                // listed out of order on purpose: the views sort by node id
                .addBackends(Backend.newBuilder().setNodeId(1).setStatus(BackendStatus.UP).setRole(BackendRole.PRIMARY)
                        .setTimeline(2).setWalLsn(0x3000148L).setLagBytes(0).setStatusChangedMs(T0 + 4_000)
                        .setStatusReason("promoted at epoch 2").setRoleChangedMs(T0 + 4_000).setWalReportedMs(T0 + 5_000))
                .addBackends(Backend.newBuilder().setNodeId(0).setStatus(BackendStatus.DOWN).setRole(BackendRole.PRIMARY)
                        .setTimeline(1).setWalLsn(0x3000060L).setLagBytes(-1).setStatusChangedMs(T0 + 2_500)
                        .setStatusReason("failed over: unreachable from nodes 1 and 2").setNeedsRecovery(true)
                        .setRoleChangedMs(T0 - 3_600_000).setWalReportedMs(T0))
                .setPrimary(Primary.newBuilder().setNodeId(1).setEpoch(2).setPhase(PrimaryPhase.ACTIVE).setSinceMs(T0 + 4_000))
                .setVip(VipHolder.newBuilder().setNodeId(2).setAddress("10.0.0.100").setSinceMs(T0 - 60_000).setTerm(3))
                .addObservations(Observation.newBuilder().setObserver(2).setSubject(0).setHealth(Health.UNREACHABLE)
                        .setRole(BackendRole.PRIMARY).setTimeline(1).setWalLsn(0x3000060L).setLagBytes(-1)
                        .setDetail("connection refused").setAtMs(T0 + 1_000))
                .addObservations(Observation.newBuilder().setObserver(1).setSubject(0).setHealth(Health.UNREACHABLE)
                        .setRole(BackendRole.PRIMARY).setTimeline(1).setWalLsn(0x3000060L).setLagBytes(-1)
                        .setDetail("connection refused").setAtMs(T0 + 1_200))
                .addObservations(Observation.newBuilder().setObserver(1).setSubject(1).setHealth(Health.HEALTHY)
                        .setRole(BackendRole.PRIMARY).setTimeline(2).setWalLsn(0x3000148L).setLagBytes(0)
                        .setDetail("primary").setAtMs(T0 + 4_000))
                .setOperation(Operation.newBuilder().setKind(Operation.Kind.KIND_NONE))
                .addEvents(event(1, T0 - 60_000, "leader", 2, 1, "node 2 (witness) is the Raft leader at term 3", 0))
                .addEvents(event(2, T0 + 2_500, "status", 0, 1, "node 0 down: unreachable from nodes 1 and 2", 0))
                .addEvents(event(3, T0 + 2_500, "failover", 1, 2, "promoting node 1 (pgsql2): primary node 0 is down", 0))
                .addEvents(event(4, T0 + 4_000, "promote", 1, 2, "node 1 (pgsql2) is primary at epoch 2", 1_250))
                .setNextEventSeq(5).setLeaderTerm(3).setLeaderNode(2)
                .build();
    }

    /** Step 1 of the scenario: pgsql1 primary, pgsql2 streaming from it, both up, epoch 1. */
    public static ClusterState healthy() {
        ClusterState s = afterFailover();
        return s.toBuilder()
                .clearBackends()
                .addBackends(Backend.newBuilder().setNodeId(0).setStatus(BackendStatus.UP).setRole(BackendRole.PRIMARY)
                        .setTimeline(1).setWalLsn(0x3000060L).setLagBytes(0).setStatusChangedMs(T0 - 3_600_000)
                        .setStatusReason("bootstrapped as the first primary").setRoleChangedMs(T0 - 3_600_000)
                        .setWalReportedMs(T0))
                .addBackends(Backend.newBuilder().setNodeId(1).setStatus(BackendStatus.UP).setRole(BackendRole.STANDBY)
                        .setTimeline(1).setWalLsn(0x3000000L).setLagBytes(96).setReplicationState("streaming")
                        .setSyncState("async").setStatusChangedMs(T0 - 3_590_000)
                        .setStatusReason("streaming from node 0").setRoleChangedMs(T0 - 3_590_000).setWalReportedMs(T0))
                .setPrimary(Primary.newBuilder().setNodeId(0).setEpoch(1).setPhase(PrimaryPhase.ACTIVE)
                        .setSinceMs(T0 - 3_600_000))
                .build();
    }

    /** {@link #afterFailover()} while node 0 is being rebuilt and is detached, to show the flags. */
    public static ClusterState duringRecovery() {
        ClusterState s = afterFailover();
        return s.toBuilder()
                .setBackends(1, s.getBackends(1).toBuilder().setStatus(BackendStatus.RECOVERING).setDetached(true)
                        .setStatusReason("recovery-node 0: pg_rewind"))
                .setOperation(Operation.newBuilder().setKind(Operation.Kind.RECOVERY).setEpoch(2).setTarget(0)
                        .setOldPrimary(-1).setReason("requested by an operator").setPhase("rewind")
                        .setPhaseSinceMs(T0 + 60_000).setStartedMs(T0 + 59_000))
                .build();
    }

    public static StateView view(ClusterState state) {
        return StateView.newBuilder().setState(state)
                .setRaft(RaftInfo.newBuilder().setNodeId(2).setRole("LEADER").setTerm(3).setLeaderId(2)
                        .setCommitIndex(57).setAppliedIndex(57).setMajorityContactAgeMs(40))
                .setServedAtMs(T0 + 10_000).build();
    }

    public static WatchdogInfo watchdogInfo() {
        return WatchdogInfo.newBuilder()
                .addAgents(AgentStatus.newBuilder().setNodeId(1).setName("pgsql2").setAddress("10.0.0.12:7410")
                        .setReachable(true).setRaft(RaftInfo.newBuilder().setNodeId(1).setRole("FOLLOWER").setTerm(3)
                                .setLeaderId(2).setCommitIndex(57).setAppliedIndex(56).setMajorityContactAgeMs(-1)))
                .addAgents(AgentStatus.newBuilder().setNodeId(0).setName("pgsql1").setAddress("10.0.0.11:7410")
                        .setReachable(false).setError("connection refused"))
                .addAgents(AgentStatus.newBuilder().setNodeId(2).setName("witness").setAddress("10.0.0.13:7410")
                        .setReachable(true).setRaft(RaftInfo.newBuilder().setNodeId(2).setRole("LEADER").setTerm(3)
                                .setLeaderId(2).setCommitIndex(57).setAppliedIndex(57).setMajorityContactAgeMs(40)))
                .setQuorumSize(2).setAgentsTotal(3).setQuorumPresent(true).setLeaderId(2).setTerm(3)
                .setVip(VipHolder.newBuilder().setNodeId(2).setAddress("10.0.0.100").setSinceMs(T0 - 60_000).setTerm(3))
                .setVipAddress("10.0.0.100")
                .build();
    }

    private static Event event(long seq, long at, String kind, int node, long epoch, String message, long durationMs) {
        return Event.newBuilder().setSeq(seq).setAtMs(at).setKind(kind).setNodeId(node).setEpoch(epoch)
                .setMessage(message).setDurationMs(durationMs).build();
    }
}
