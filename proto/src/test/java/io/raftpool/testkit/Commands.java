package io.raftpool.testkit;

import static io.raftpool.testkit.States.T0;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.InitCluster;
import io.raftpool.proto.Observation;
import io.raftpool.proto.ReportObservation;

/** Commands to apply to {@link States}' states, issued at fixed times from {@link States#T0}. */
public final class Commands {
    private Commands() {}

    /** A command issued at {@code T0 + offsetMs}, by node 0, not stamped with a leader term. */
    public static Command.Builder command(long offsetMs) {
        return Command.newBuilder().setIssuedMs(T0 + offsetMs).setIssuer(0);
    }

    /** The report of this observation, issued when it was made. */
    public static Command report(Observation o) {
        return command(o.getAtMs() - T0).setReport(ReportObservation.newBuilder().setObservation(o)).build();
    }

    /** The init command of {@link States#twoPlusOne()}: nodes 0 and 1 with PostgreSQL, witness 2, node 0 bootstraps. */
    public static InitCluster initTwoPlusOne() {
        return InitCluster.newBuilder()
                .setClusterName("test")
                .setConfigVersion(1)
                .addNodes(States.nodeInfo(0, false))
                .addNodes(States.nodeInfo(1, false))
                .addNodes(States.nodeInfo(2, true))
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
}
