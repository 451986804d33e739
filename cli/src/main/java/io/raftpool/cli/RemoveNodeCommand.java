package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.NodeRequest;
import picocli.CommandLine.Command;

/**
 * {@code raftpool remove-node N}: node N leaves the running cluster (the committed state, then
 * the Raft configuration). Refused for the primary (switch over first) and when fewer than three
 * agents would be left.
 */
@Command(name = "remove-node", mixinStandardHelpOptions = true,
        description = "Remove node N from the running cluster (not the primary; at least 3 agents stay).")
final class RemoveNodeCommand extends NodeActionCommand {
    @Override
    ActionReply send(AdminClient client, NodeRequest request) {
        return client.removeNode(request);
    }

    @Override
    boolean witnessAllowed() {
        return true;
    }
}
