package io.raftpool.testkit;

import io.raftpool.proto.AgentStatus;
import io.raftpool.proto.FenceInfo;
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
 * The design's scenario as committed states, right after pgsql1 (node 0) failed and pgsql2
 * (node 1) was promoted at epoch 2. The witness (node 2) is Raft leader and holds the VIP.
 * Every value is fixed (times too: render them in UTC), so that views of them can be compared
 * to the letter.
 */
public final class FailoverScenario {
    /** 2025-11-26 01:05:03 UTC. */
    public static final long T0 = Instant.parse("2025-11-26T01:05:03Z").toEpochMilli();

    private FailoverScenario() {}

    public static ClusterState afterFailover() {
        return States.empty()
                .with(s -> s.setClusterName("scenario"))
                .node(server(0, "pgsql1", "10.0.0.11").setPriority(0).build())
                .node(server(1, "pgsql2", "10.0.0.12").setPriority(10).build())
                .node(NodeInfo.newBuilder().setId(2).setName("witness").setHost("10.0.0.13").setRaftPort(7400)
                        .setAdminPort(7410).setWitness(true).build())
                // listed out of order on purpose: the views sort by node id
                .backend(Backend.newBuilder().setNodeId(1).setStatus(BackendStatus.UP).setRole(BackendRole.PRIMARY)
                        .setTimeline(2).setWalLsn(0x3000148L).setLagBytes(0).setStatusChangedMs(T0 + 4_000)
                        .setStatusReason("promoted at epoch 2").setRoleChangedMs(T0 + 4_000).setWalReportedMs(T0 + 5_000)
                        .build())
                .backend(Backend.newBuilder().setNodeId(0).setStatus(BackendStatus.DOWN).setRole(BackendRole.PRIMARY)
                        .setTimeline(1).setWalLsn(0x3000060L).setLagBytes(-1).setStatusChangedMs(T0 + 2_500)
                        .setStatusReason("failed over: unreachable from nodes 1 and 2").setNeedsRecovery(true)
                        .setRoleChangedMs(T0 - 3_600_000).setWalReportedMs(T0).build())
                .with(s -> s.setPrimary(primary(1, 2, T0 + 4_000)).setVip(vip()))
                .observed(unreachable(2, T0 + 1_000))
                .observed(unreachable(1, T0 + 1_200))
                .observed(Observation.newBuilder().setObserver(1).setSubject(1).setHealth(Health.HEALTHY)
                        .setRole(BackendRole.PRIMARY).setTimeline(2).setWalLsn(0x3000148L).setLagBytes(0)
                        .setDetail("primary").setAtMs(T0 + 4_000).build())
                .with(s -> s.setOperation(Operation.newBuilder().setKind(Operation.Kind.KIND_NONE))
                        .addEvents(event(1, T0 - 60_000, "leader", 2, 1, "node 2 (witness) is the Raft leader at term 3", 0))
                        .addEvents(event(2, T0 + 2_500, "status", 0, 1, "node 0 down: unreachable from nodes 1 and 2", 0))
                        .addEvents(event(3, T0 + 2_500, "failover", 1, 2, "promoting node 1 (pgsql2): primary node 0 is down", 0))
                        .addEvents(event(4, T0 + 4_000, "promote", 1, 2, "node 1 (pgsql2) is primary at epoch 2", 1_250))
                        .setNextEventSeq(5).setLeaderTerm(3).setLeaderNode(2))
                .build();
    }

    /** Step 1 of the scenario: pgsql1 primary, pgsql2 streaming from it, both up, epoch 1. */
    public static ClusterState healthy() {
        return States.of(afterFailover())
                .with(ClusterState.Builder::clearBackends)
                .backend(Backend.newBuilder().setNodeId(0).setStatus(BackendStatus.UP).setRole(BackendRole.PRIMARY)
                        .setTimeline(1).setWalLsn(0x3000060L).setLagBytes(0).setStatusChangedMs(T0 - 3_600_000)
                        .setStatusReason("bootstrapped as the first primary").setRoleChangedMs(T0 - 3_600_000)
                        .setWalReportedMs(T0).build())
                .backend(Backend.newBuilder().setNodeId(1).setStatus(BackendStatus.UP).setRole(BackendRole.STANDBY)
                        .setTimeline(1).setWalLsn(0x3000000L).setLagBytes(96).setReplicationState("streaming")
                        .setSyncState("async").setStatusChangedMs(T0 - 3_590_000)
                        .setStatusReason("streaming from node 0").setRoleChangedMs(T0 - 3_590_000).setWalReportedMs(T0)
                        .build())
                .with(s -> s.setPrimary(primary(0, 1, T0 - 3_600_000)))
                .build();
    }

    /** {@link #afterFailover()} while node 0 is being rebuilt and is detached, to show the flags. */
    public static ClusterState duringRecovery() {
        return States.of(afterFailover())
                .backend(0, b -> b.setStatus(BackendStatus.RECOVERING).setDetached(true)
                        .setStatusReason("recovery-node 0: pg_rewind"))
                .with(s -> s.setOperation(Operation.newBuilder().setKind(Operation.Kind.RECOVERY).setEpoch(2).setTarget(0)
                        .setOldPrimary(-1).setReason("requested by an operator").setPhase("rewind")
                        .setPhaseSinceMs(T0 + 60_000).setStartedMs(T0 + 59_000)))
                .build();
    }

    /** The state as the Raft leader (the witness) serves it. */
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
                                .setLeaderId(2).setCommitIndex(57).setAppliedIndex(56).setMajorityContactAgeMs(-1)
                                .setFence(FenceInfo.newBuilder().setRunning(true).setArmed(true).setLeaseLeftMs(1320)
                                        .setDevice("off"))))
                .addAgents(AgentStatus.newBuilder().setNodeId(0).setName("pgsql1").setAddress("10.0.0.11:7410")
                        .setReachable(false).setError("connection refused"))
                .addAgents(AgentStatus.newBuilder().setNodeId(2).setName("witness").setAddress("10.0.0.13:7410")
                        .setReachable(true).setRaft(RaftInfo.newBuilder().setNodeId(2).setRole("LEADER").setTerm(3)
                                .setLeaderId(2).setCommitIndex(57).setAppliedIndex(57).setMajorityContactAgeMs(40)))
                .setQuorumSize(2).setAgentsTotal(3).setQuorumPresent(true).setLeaderId(2).setTerm(3)
                .setVip(vip())
                .setVipAddress("10.0.0.100")
                .build();
    }

    private static NodeInfo.Builder server(int id, String name, String host) {
        return NodeInfo.newBuilder().setId(id).setName(name).setHost(host).setRaftPort(7400)
                .setAdminPort(7410).setProxyRwPort(9999).setProxyRoPort(9998).setPgPort(5432)
                .setPgDataDir("/var/lib/postgresql/15/raftpool");
    }

    private static Primary primary(int node, long epoch, long sinceMs) {
        return Primary.newBuilder().setNodeId(node).setEpoch(epoch).setPhase(PrimaryPhase.ACTIVE).setSinceMs(sinceMs).build();
    }

    private static VipHolder vip() {
        return VipHolder.newBuilder().setNodeId(2).setAddress("10.0.0.100").setSinceMs(T0 - 60_000).setTerm(3).build();
    }

    /** What this observer committed about the old primary (node 0) once it could not reach it. */
    private static Observation unreachable(int observer, long atMs) {
        return Observation.newBuilder().setObserver(observer).setSubject(0).setHealth(Health.UNREACHABLE)
                .setRole(BackendRole.PRIMARY).setTimeline(1).setWalLsn(0x3000060L).setLagBytes(-1)
                .setDetail("connection refused").setAtMs(atMs).build();
    }

    private static Event event(long seq, long at, String kind, int node, long epoch, String message, long durationMs) {
        return Event.newBuilder().setSeq(seq).setAtMs(at).setKind(kind).setNodeId(node).setEpoch(epoch)
                .setMessage(message).setDurationMs(durationMs).build();
    }
}
