package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.api.view.WatchdogRows;
import io.raftpool.proto.AgentStatus;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.VipHolder;
import io.raftpool.proto.WatchdogInfo;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;

/** {@code raftpool watchdog-info}: the quorum, the leader, the VIP, then one row per agent. */
public final class WatchdogInfoView {
    private WatchdogInfoView() {}

    public static String text(WatchdogInfo info, ZoneId zone) {
        StringBuilder out = new StringBuilder();
        out.append("agents: ").append(info.getAgentsTotal())
                .append(", quorum: ").append(info.getQuorumPresent() ? "present" : "ABSENT")
                .append(" (").append(info.getQuorumSize()).append(" of ").append(info.getAgentsTotal())
                .append(" agents needed)\n");
        out.append("leader: ").append(info.getLeaderId() < 0 ? "none" : "node " + label(info, info.getLeaderId()))
                .append(", term ").append(info.getTerm()).append('\n');
        out.append("vip: ").append(vipText(info, zone)).append("\n\n");
        return out.append(Table.render(WatchdogRows.of(info))).toString();
    }

    static String vipText(WatchdogInfo info, ZoneId zone) {
        VipHolder vip = info.getVip();
        String address = !vip.getAddress().isEmpty() ? vip.getAddress() : info.getVipAddress();
        if (address.isEmpty() && vip.getNodeId() < 0) {
            return "none configured";
        }
        if (vip.getNodeId() < 0) {
            return address + ", held by no agent";
        }
        return address + " on node " + label(info, vip.getNodeId())
                + (vip.getSinceMs() > 0 ? " since " + Formats.localTime(vip.getSinceMs(), zone) : "")
                + ", term " + vip.getTerm();
    }

    public static String json(WatchdogInfo info) {
        ObjectNode root = Json.object();
        root.put("agents_total", info.getAgentsTotal());
        root.put("quorum_size", info.getQuorumSize());
        root.put("quorum_present", info.getQuorumPresent());
        Json.putOrNull(root, "leader_id", info.getLeaderId(), -1);
        Json.putOrNull(root, "leader_name", info.getLeaderId() < 0 ? null : name(info, info.getLeaderId()));
        root.put("term", info.getTerm());
        root.set("vip", vipJson(info));
        var agents = root.putArray("agents");
        for (AgentStatus a : byNodeId(info)) {
            ObjectNode o = agents.addObject();
            o.put("node_id", a.getNodeId());
            o.put("name", a.getName());
            o.put("address", a.getAddress());
            o.put("reachable", a.getReachable());
            RaftInfo raft = a.getRaft();
            if (a.getReachable()) {
                o.put("raft_role", Formats.raftRole(raft.getRole()));
                o.put("term", raft.getTerm());
                Json.putOrNull(o, "leader_id", raft.getLeaderId(), -1);
                o.put("commit_index", raft.getCommitIndex());
                o.put("applied_index", raft.getAppliedIndex());
                Json.putOrNull(o, "majority_contact_age_ms", raft.getMajorityContactAgeMs(), -1);
                o.put("follows_leader", raft.getBehindEntries() <= 0 && !raft.getJoining() && !raft.getInitializing()
                        && !"WAITING".equals(raft.getRole()));
                var voters = o.putArray("raft_voters");
                raft.getVotersList().forEach(voters::add);
                var listeners = o.putArray("raft_listeners");
                raft.getListenersList().forEach(listeners::add);
                o.put("joining", raft.getJoining());
                o.put("initializing", raft.getInitializing());
                Json.putOrNull(o, "waiting_for", raft.getWaitingFor());
                o.put("behind_entries", raft.getBehindEntries());
                Json.putTime(o, "behind_since", raft.getBehindSinceMs());
                Json.putOrNull(o, "follow_problem", raft.getFollowProblem());
                o.set("fence", fenceJson(raft));
            } else {
                for (String key : List.of("raft_role", "term", "leader_id", "commit_index", "applied_index",
                        "majority_contact_age_ms", "follows_leader", "behind_entries", "behind_since", "behind_since_ms",
                        "follow_problem", "raft_voters", "raft_listeners", "joining", "initializing", "waiting_for", "fence")) {
                    o.putNull(key);
                }
            }
            Json.putOrNull(o, "error", a.getError());
        }
        return Json.write(root);
    }

    /** The node's watchdog (S6); null on a witness. */
    public static com.fasterxml.jackson.databind.JsonNode fenceJson(RaftInfo raft) {
        if (!raft.hasFence()) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        io.raftpool.proto.FenceInfo f = raft.getFence();
        ObjectNode o = Json.object();
        o.put("running", f.getRunning());
        o.put("armed", f.getArmed());
        Json.putOrNull(o, "lease_left_ms", f.getArmed() ? f.getLeaseLeftMs() : -1, -1);
        o.put("device", f.getDevice().isEmpty() ? "off" : f.getDevice());
        Json.putTime(o, "last_fired", f.getLastFiredMs());
        o.put("killed", f.getKilled());
        return o;
    }

    static ObjectNode vipJson(WatchdogInfo info) {
        VipHolder vip = info.getVip();
        ObjectNode o = Json.object();
        Json.putOrNull(o, "address", info.getVipAddress());
        Json.putOrNull(o, "holder_id", vip.getNodeId(), -1);
        Json.putOrNull(o, "holder_name", vip.getNodeId() < 0 ? null : name(info, vip.getNodeId()));
        Json.putOrNull(o, "held_address", vip.getNodeId() < 0 ? null : vip.getAddress());
        Json.putTime(o, "since", vip.getNodeId() < 0 ? 0 : vip.getSinceMs());
        Json.putOrNull(o, "term", vip.getNodeId() < 0 ? -1 : vip.getTerm(), -1);
        return o;
    }

    private static List<AgentStatus> byNodeId(WatchdogInfo info) {
        return info.getAgentsList().stream().sorted(Comparator.comparingInt(AgentStatus::getNodeId)).toList();
    }

    private static String name(WatchdogInfo info, int id) {
        return info.getAgentsList().stream().filter(a -> a.getNodeId() == id).map(AgentStatus::getName)
                .findFirst().orElse(null);
    }

    private static String label(WatchdogInfo info, int id) {
        String name = name(info, id);
        return name == null || name.isEmpty() ? Integer.toString(id) : id + " (" + name + ")";
    }
}
