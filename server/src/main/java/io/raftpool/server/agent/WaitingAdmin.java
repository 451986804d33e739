package io.raftpool.server.agent;

import io.grpc.stub.StreamObserver;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.GetStateRequest;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import io.raftpool.server.raft.MemberStart;

/**
 * The admin API of an agent whose Raft member has not started yet: it answers who it is and
 * what it waits for (so that the agent forming a new group can count the agents that have
 * none), and nothing else; every other method is unimplemented until the agent runs.
 */
final class WaitingAdmin extends AdminGrpc.AdminImplBase {
    private final int nodeId;
    private volatile String waitingFor = "deciding how to start its raft member";

    WaitingAdmin(int nodeId) {
        this.nodeId = nodeId;
    }

    void waitingFor(String why) {
        this.waitingFor = why;
    }

    RaftInfo raftInfo() {
        return RaftInfo.newBuilder().setNodeId(nodeId).setRole(MemberStart.WAITING_ROLE).setLeaderId(-1)
                .setMajorityContactAgeMs(-1).setCommitIndex(-1).setAppliedIndex(-1).setWaitingFor(waitingFor).build();
    }

    @Override
    public void getRaftInfo(GetStateRequest request, StreamObserver<RaftInfo> response) {
        response.onNext(raftInfo());
        response.onCompleted();
    }

    /** Nothing to set aside: it has no storage, and joins as a listener once the group lets it. */
    @Override
    public void resetRaftMember(NodeRequest request, StreamObserver<ActionReply> response) {
        boolean self = request.getNodeId() == nodeId;
        response.onNext(ActionReply.newBuilder().setAccepted(self).setMessage(self
                ? "node " + nodeId + "'s agent has no raft storage: it joins as a listener once the leader no longer counts it a voter"
                : "this is node " + nodeId + "'s agent, not node " + request.getNodeId() + "'s").build());
        response.onCompleted();
    }

    @Override
    public void getState(GetStateRequest request, StreamObserver<StateView> response) {
        response.onNext(StateView.newBuilder().setState(ClusterState.getDefaultInstance()).setRaft(raftInfo())
                .setServedAtMs(System.currentTimeMillis()).build());
        response.onCompleted();
    }
}
