package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.proto.ActionReply;

/** What promote-node, detach-node and attach-node print. */
public final class ActionReplyView {
    private ActionReplyView() {}

    /** "promote-node 1: accepted (epoch 3): promoting node 1 (pgsql2)". */
    public static String text(String command, int nodeId, ActionReply reply) {
        return command + (nodeId >= 0 ? " " + nodeId : "") + ": " + (reply.getAccepted() ? "accepted" : "refused")
                + (reply.getEpoch() > 0 ? " (epoch " + reply.getEpoch() + ")" : "")
                + (reply.getMessage().isEmpty() ? "" : ": " + reply.getMessage()) + "\n";
    }

    public static String json(String command, int nodeId, ActionReply reply) {
        ObjectNode o = Json.object();
        o.put("command", command);
        Json.putOrNull(o, "node_id", nodeId, -1);
        o.put("accepted", reply.getAccepted());
        o.put("message", reply.getMessage());
        Json.putOrNull(o, "epoch", reply.getEpoch(), 0);
        return Json.write(o);
    }
}
