package io.raftpool.testkit;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Health;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Observation;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.VipHolder;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Committed cluster states for every module's tests, built directly as protobuf values (not
 * through the server's transitions, so the tests of those transitions do not depend on them).
 *
 * <p>Start from {@link #cluster(int, int)}, {@link #twoPlusOne()}, {@link #empty()} or an existing
 * state ({@link #of}), change it step by step, then {@link #build()}. In {@code cluster(postgres, w)}
 * node {@code i < postgres} has PostgreSQL ("pgsql{i+1}", host 10.0.0.{11+i}, port 5432); the
 * others are witnesses.
 */
public final class States {
    public static final long T0 = 1_700_000_000_000L;
    /** The server's Transitions.FORMAT_VERSION: proto cannot see it, and no reader checks it. */
    static final int FORMAT_VERSION = 1;

    private final ClusterState.Builder state;

    private States(ClusterState.Builder state) {
        this.state = state;
    }

    /** A cluster with no node yet, no primary, no VIP holder, no Raft leader: Transitions.empty(), named "test". */
    public static States empty() {
        return new States(ClusterState.newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setClusterName("test")
                .setConfigVersion(1)
                .setPrimary(Primary.newBuilder().setNodeId(-1))
                .setVip(VipHolder.newBuilder().setNodeId(-1))
                .setLeaderNode(-1)
                .setNextEventSeq(1));
    }

    public static States of(ClusterState s) {
        return new States(s.toBuilder());
    }

    /** The design's scenario: pgsql1 (node 0) active primary at epoch 1, pgsql2 (node 1) streaming standby, witness node 2. */
    public static States twoPlusOne() {
        return cluster(2, 1);
    }

    /**
     * Node 0 is the active primary at epoch 1, nodes 1..postgres-1 up streaming standbys, and
     * every agent has committed that it sees every server healthy.
     */
    public static States cluster(int postgres, int witnesses) {
        States s = empty().primary(0, 1, PrimaryPhase.ACTIVE);
        int total = postgres + witnesses;
        for (int i = 0; i < total; i++) {
            s.node(nodeInfo(i, i >= postgres));
        }
        for (int i = 0; i < postgres; i++) {
            s.backend(Backend.newBuilder()
                    .setNodeId(i)
                    .setStatus(BackendStatus.UP)
                    .setRole(i == 0 ? BackendRole.PRIMARY : BackendRole.STANDBY)
                    .setTimeline(1)
                    .setWalLsn(0x3000000L)
                    .setLagBytes(0)
                    .setReplicationState(i == 0 ? "" : "streaming")
                    .setStatusChangedMs(T0)
                    .setRoleChangedMs(T0)
                    .setStatusReason(i == 0 ? "bootstrapped as the first primary" : "streaming from the primary")
                    .build());
        }
        for (int observer = 0; observer < total; observer++) {
            for (int subject = 0; subject < postgres; subject++) {
                s.observed(observation(observer, subject, Health.HEALTHY,
                        subject == 0 ? BackendRole.PRIMARY : BackendRole.STANDBY, subject != 0, "ok"));
            }
        }
        return s;
    }

    /** Node {@code id} of {@link #cluster(int, int)}. */
    public static NodeInfo nodeInfo(int id, boolean witness) {
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

    /** What {@code observer} committed about {@code subject} at T0; a server seen unhealthy has no known role. */
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

    public States node(NodeInfo n) {
        state.addNodes(n);
        return this;
    }

    public States node(int id, UnaryOperator<NodeInfo.Builder> change) {
        int i = existing(indexOf(state.getNodesList(), n -> n.getId() == id), "node " + id);
        state.setNodes(i, change.apply(state.getNodes(i).toBuilder()));
        return this;
    }

    public States backend(int id, UnaryOperator<Backend.Builder> change) {
        int i = existing(indexOf(state.getBackendsList(), b -> b.getNodeId() == id), "backend " + id);
        state.setBackends(i, change.apply(state.getBackends(i).toBuilder()));
        return this;
    }

    public States backend(Backend b) {
        state.addBackends(b);
        return this;
    }

    /** A PostgreSQL server on loopback: node "pg{id}" at 127.0.0.1:pgPort, its backend with only a role and a status. */
    public States loopbackServer(int id, int pgPort, BackendRole role, BackendStatus status) {
        node(NodeInfo.newBuilder().setId(id).setName("pg" + id).setHost("127.0.0.1").setPgPort(pgPort).build());
        return backend(Backend.newBuilder().setNodeId(id).setRole(role).setStatus(status).build());
    }

    public States upPrimary(int id, int pgPort) {
        return loopbackServer(id, pgPort, BackendRole.PRIMARY, BackendStatus.UP);
    }

    public States upStandby(int id, int pgPort) {
        return loopbackServer(id, pgPort, BackendRole.STANDBY, BackendStatus.UP);
    }

    public States downStandby(int id, int pgPort) {
        return loopbackServer(id, pgPort, BackendRole.STANDBY, BackendStatus.DOWN);
    }

    /** The committed primary: this node at this epoch and phase, since T0. */
    public States primary(int node, long epoch, PrimaryPhase phase) {
        state.setPrimary(Primary.newBuilder().setNodeId(node).setEpoch(epoch).setPhase(phase).setSinceMs(T0));
        return this;
    }

    /** This observer's committed view of the subject, replacing the one it had. */
    public States observed(Observation o) {
        int i = indexOf(state.getObservationsList(),
                old -> old.getObserver() == o.getObserver() && old.getSubject() == o.getSubject());
        if (i >= 0) {
            state.setObservations(i, o);
        } else {
            state.addObservations(o);
        }
        return this;
    }

    public States observed(int observer, int subject, Health health, BackendRole role, boolean streaming, String detail) {
        return observed(observation(observer, subject, health, role, streaming, detail));
    }

    /** Every node's committed view of the subject set to this health. */
    public States everyoneSees(int subject, Health health, String detail) {
        for (NodeInfo n : state.getNodesList()) {
            observed(n.getId(), subject, health, BackendRole.ROLE_UNKNOWN, false, detail);
        }
        return this;
    }

    /** Any other change, for fields without a step of their own (VIP holder, events, operation, ...). */
    public States with(UnaryOperator<ClusterState.Builder> change) {
        change.apply(state);
        return this;
    }

    public ClusterState build() {
        return state.build();
    }

    private static <T> int indexOf(List<T> items, Predicate<T> wanted) {
        for (int i = 0; i < items.size(); i++) {
            if (wanted.test(items.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int existing(int index, String what) {
        if (index < 0) {
            throw new IllegalArgumentException("no " + what);
        }
        return index;
    }
}
