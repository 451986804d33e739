package io.raftpool.api.view;

import io.raftpool.api.view.TableData.Column;
import io.raftpool.proto.AgentStatus;
import io.raftpool.proto.FenceInfo;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.WatchdogInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code watchdog-info} / {@code show watchdog_info}: one row per agent, by node id. */
public final class WatchdogRows {
    public static final List<Column> COLUMNS = List.of(
            Column.number("node_id"), Column.text("name"), Column.text("address"),
            Column.text("reachable"), Column.text("raft_role"), Column.number("term"),
            Column.number("leader_id"), Column.number("commit_index"),
            Column.number("applied_index"), Column.text("follows_leader"), Column.text("fence"), Column.text("error"));

    private WatchdogRows() {}

    public static TableData of(WatchdogInfo info) {
        List<List<String>> rows = new ArrayList<>();
        for (AgentStatus a : info.getAgentsList().stream().sorted(Comparator.comparingInt(AgentStatus::getNodeId)).toList()) {
            RaftInfo raft = a.getRaft();
            boolean known = a.getReachable();
            rows.add(List.of(
                    Integer.toString(a.getNodeId()), a.getName(), a.getAddress(), Cells.yesNo(a.getReachable()),
                    known ? Cells.raftRole(raft.getRole()) : "",
                    known ? Long.toString(raft.getTerm()) : "",
                    known && raft.getLeaderId() >= 0 ? Integer.toString(raft.getLeaderId()) : "",
                    known ? Long.toString(raft.getCommitIndex()) : "",
                    known ? Long.toString(raft.getAppliedIndex()) : "",
                    known ? follows(raft) : "",
                    known ? fence(raft) : "",
                    a.getError()));
        }
        return new TableData(COLUMNS, rows);
    }

    /** The node's watchdog: none on a witness, whether it runs, and what it guards. */
    public static String fence(RaftInfo raft) {
        if (!raft.hasFence()) {
            return "none (witness)";
        }
        FenceInfo f = raft.getFence();
        String device = f.getDevice().isEmpty() || f.getDevice().equals("off") ? "" : ", device " + f.getDevice();
        if (!f.getRunning()) {
            return "NOT RUNNING" + (f.getArmed() ? " (armed)" : "");
        }
        return (f.getArmed() ? "armed, " + f.getLeaseLeftMs() + " ms left" : "disarmed") + device;
    }

    /** "yes", or why a member does not follow the leader: it waits to start, joins, or is stuck behind. */
    static String follows(RaftInfo raft) {
        if ("WAITING".equals(raft.getRole())) {
            int at = raft.getWaitingFor().indexOf("run `raftpool rebuild-member");
            return "NO: waiting to start its raft member" + (at >= 0 ? " (needs rebuild-member " + raft.getNodeId() + ")" : "");
        }
        if (raft.getJoining()) {
            return "NO: joining as a listener";
        }
        if (raft.getInitializing()) {
            return "NO: cannot vote until the leader counts it caught up";
        }
        return raft.getBehindEntries() <= 0 ? "yes" : "NO: " + raft.getFollowProblem();
    }
}
