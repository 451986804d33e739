package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.NodeRequest;
import picocli.CommandLine.Command;

@Command(name = "promote-node", mixinStandardHelpOptions = true,
        description = "Ask the cluster to promote this standby to primary, at a new epoch.")
final class PromoteNodeCommand extends NodeActionCommand {
    @Override
    ActionReply send(AdminClient client, NodeRequest request) {
        return client.promoteNode(request);
    }
}
