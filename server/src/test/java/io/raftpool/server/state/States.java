package io.raftpool.server.state;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Health;
import io.raftpool.proto.InitCluster;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Observation;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.ReportObservation;
import java.util.function.UnaryOperator;

/**
 * Cluster states for tests, built directly as protobuf values (not through {@link Transitions},
 * so the policy tests do not depend on it). Node {@code i < postgres} has PostgreSQL
 * ("pgsql{i+1}", host 10.0.0.{11+i}, port 5432); the others are witnesses.
 */
public final class States {
    public static final long T0 = 1_700_000_000_000L;

    private States() {}

    /** The design's scenario: pgsql1 (node 0) active primary at epoch 1, pgsql2 (node 1) streaming standby, witness node 2. */
    public static ClusterState twoPlusOne() {
        return cluster(2, 1);
    }

    /**
     * Node 0 is the active primary at epoch 1, nodes 1..postgres-1 up streaming standbys, and
     * every agent has committed that it sees every server healthy.
     */
    public static ClusterState cluster(int postgres, int witnesses) {
        ClusterState.Builder b = ClusterState.newBuilder()
                .setFormatVersion(Transitions.FORMAT_VERSION)
                .setClusterName("test")
                .setConfigVersion(1)
                .setPrimary(Primary.newBuilder().setNodeId(0).setEpoch(1).setPhase(PrimaryPhase.ACTIVE).setSinceMs(T0))
                .setVip(Transitions.empty().getVip())
                .setLeaderNode(-1)
                .setNextEventSeq(1);
        int total = postgres + witnesses;
        for (int i = 0; i < total; i++) {
            b.addNodes(node(i, i >= postgres));
        }
        for (int i = 0; i < postgres; i++) {
            b.addBackends(Backend.newBuilder()
                    .setNodeId(i)
                    .setStatus(BackendStatus.UP)
                    .setRole(i == 0 ? BackendRole.PRIMARY : BackendRole.STANDBY)
                    .setTimeline(1)
                    .setWalLsn(0x3000000L)
                    .setLagBytes(0)
                    .setReplicationState(i == 0 ? "" : "streaming")
                    .setStatusChangedMs(T0)
                    .setRoleChangedMs(T0)
                    .setStatusReason(i == 0 ? "bootstrapped as the first primary" : "streaming from the primary"));
        }
        for (int observer = 0; observer < total; observer++) {
            for (int subject = 0; subject < postgres; subject++) {
                b.addObservations(observation(observer, subject, Health.HEALTHY,
                        subject == 0 ? BackendRole.PRIMARY : BackendRole.STANDBY, subject != 0, "ok"));
            }
        }
        return b.build();
    }

    public static NodeInfo node(int id, boolean witness) {
        NodeInfo.Builder n = NodeInfo.newBuilder()
                .setId(id)
                .setName(witness ? "witness" + id : "pgsql" + (id + 1))
                .setHost("10.0.0." + (11 + id))
                .setRaftPort(7400)
                .setAdminPort(7410)
                .setWitness(witness);
        if (!witness) {
            n.setPgPort(5432).setPgDataDir("/var/lib/postgresql/15/raftpool").setProxyRwPort(9999).setProxyRoPort(9998);
        }
        return n.build();
    }

    /** The init command of {@link #twoPlusOne()}: nodes 0 and 1 with PostgreSQL, witness 2, node 0 bootstraps. */
    public static InitCluster initTwoPlusOne() {
        return InitCluster.newBuilder()
                .setClusterName("test")
                .setConfigVersion(1)
                .addNodes(node(0, false))
                .addNodes(node(1, false))
                .addNodes(node(2, true))
                .setBootstrapPrimary(0)
                .build();
    }

    /** The init command that creates {@code s}'s nodes, with this bootstrap primary. */
    public static InitCluster init(ClusterState s, int bootstrapPrimary) {
        return InitCluster.newBuilder()
                .setClusterName(s.getClusterName())
                .setConfigVersion(1)
                .addAllNodes(s.getNodesList())
                .setBootstrapPrimary(bootstrapPrimary)
                .build();
    }

    public static Observation observation(int observer, int subject, Health health, BackendRole role, boolean streaming,
                                          String detail) {
        return Observation.newBuilder()
                .setObserver(observer)
                .setSubject(subject)
                .setHealth(health)
                .setRole(health == Health.HEALTHY ? role : BackendRole.ROLE_UNKNOWN)
                .setTimeline(1)
                .setStreaming(streaming)
                .setWalLsn(0x3000000L)
                .setDetail(detail)
                .setAtMs(T0)
                .build();
    }

    /** The state with this observer's committed view of the subject replaced. */
    public static ClusterState observed(ClusterState s, int observer, int subject, Health health, BackendRole role,
                                        boolean streaming, String detail) {
        return observed(s, observation(observer, subject, health, role, streaming, detail));
    }

    public static ClusterState observed(ClusterState s, Observation o) {
        int i = ClusterStates.indexOfObservation(s, o.getObserver(), o.getSubject());
        return i >= 0 ? s.toBuilder().setObservations(i, o).build() : s.toBuilder().addObservations(o).build();
    }

    /** The state with every committed view of the subject (by any observer) set to this health. */
    public static ClusterState everyoneSees(ClusterState s, int subject, Health health, String detail) {
        ClusterState out = s;
        for (NodeInfo n : s.getNodesList()) {
            out = observed(out, n.getId(), subject, health, BackendRole.ROLE_UNKNOWN, false, detail);
        }
        return out;
    }

    public static ClusterState withBackend(ClusterState s, int id, UnaryOperator<Backend.Builder> change) {
        int i = ClusterStates.indexOfBackend(s, id);
        if (i < 0) {
            throw new IllegalArgumentException("no backend " + id);
        }
        return s.toBuilder().setBackends(i, change.apply(s.getBackends(i).toBuilder())).build();
    }

    public static ClusterState withNode(ClusterState s, int id, UnaryOperator<NodeInfo.Builder> change) {
        for (int i = 0; i < s.getNodesCount(); i++) {
            if (s.getNodes(i).getId() == id) {
                return s.toBuilder().setNodes(i, change.apply(s.getNodes(i).toBuilder())).build();
            }
        }
        throw new IllegalArgumentException("no node " + id);
    }

    public static ClusterState withPrimary(ClusterState s, int node, long epoch, PrimaryPhase phase) {
        return s.toBuilder().setPrimary(Primary.newBuilder().setNodeId(node).setEpoch(epoch).setPhase(phase)
                .setSinceMs(T0)).build();
    }

    /** A command issued at {@code T0 + offsetMs}, by node 0, not stamped with a leader term. */
    public static Command.Builder command(long offsetMs) {
        return Command.newBuilder().setIssuedMs(T0 + offsetMs).setIssuer(0);
    }

    public static Command report(Observation o) {
        return command(o.getAtMs() - T0).setReport(ReportObservation.newBuilder().setObservation(o)).build();
    }
}
