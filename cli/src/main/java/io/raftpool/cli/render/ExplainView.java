package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.api.view.TableData;
import io.raftpool.api.view.TableData.Column;
import io.raftpool.proto.CandidateExplanation;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Explanation;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** What raftpool explain prints: the verdict, its evidence, then one row per standby. */
public final class ExplainView {
    private ExplainView() {}

    public static String text(Explanation e, ClusterState s, ZoneId zone) {
        StringBuilder out = new StringBuilder();
        if (!e.getAnsweredByLeader()) {
            return out.append("no Raft leader answered (").append(e.getVerdict()).append("): only the leader knows"
                    + " which agents are alive; try again, or see raftpool watchdog-info\n").toString();
        }
        out.append(e.getVerdict()).append('\n');
        if (e.getHeldUntilMs() > 0) {
            out.append("held back until ").append(Formats.localTime(e.getHeldUntilMs(), zone)).append('\n');
        }
        for (String line : e.getEvidenceList()) {
            out.append("  ").append(line).append('\n');
        }
        out.append("(explained by the Raft leader, node ").append(Backends.label(s, e.getAnsweredBy()))
                .append(", epoch ").append(e.getEpoch()).append(")\n\n");
        List<List<String>> rows = new ArrayList<>();
        for (CandidateExplanation c : e.getCandidatesList()) {
            rows.add(List.of(Backends.label(s, c.getNodeId()), c.getEligible() ? "yes" : "no",
                    c.getLagBytes() < 0 ? "" : Long.toString(c.getLagBytes()), Long.toString(c.getTimeline()),
                    Integer.toString(c.getPriority()), c.getReason()));
        }
        if (rows.isEmpty()) {
            return out.append("no standby\n").toString();
        }
        return out.append(Table.render(new TableData(List.of(Column.text("standby"), Column.text("candidate"),
                Column.number("lag_bytes"), Column.number("timeline"), Column.number("priority"), Column.text("why")),
                rows))).toString();
    }

    public static String json(Explanation e) {
        ObjectNode o = Json.object();
        o.put("answered_by_leader", e.getAnsweredByLeader());
        o.put("answered_by", e.getAnsweredBy());
        o.put("state", e.getState());
        o.put("verdict", e.getVerdict());
        o.put("primary_node_id", e.getPrimaryNodeId());
        o.put("epoch", e.getEpoch());
        Json.putTime(o, "held_until", e.getHeldUntilMs());
        ArrayNode evidence = o.putArray("evidence");
        e.getEvidenceList().forEach(evidence::add);
        ArrayNode list = o.putArray("candidates");
        for (CandidateExplanation c : e.getCandidatesList()) {
            ObjectNode x = list.addObject();
            x.put("node_id", c.getNodeId());
            x.put("eligible", c.getEligible());
            x.put("reason", c.getReason());
            if (c.getLagBytes() < 0) {
                x.putNull("lag_bytes");
            } else {
                x.put("lag_bytes", c.getLagBytes());
            }
            x.put("timeline", c.getTimeline());
            x.put("priority", c.getPriority());
        }
        return Json.write(o);
    }
}
