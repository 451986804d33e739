package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.NodeRequest;
import picocli.CommandLine.Command;

@Command(name = "detach-node", mixinStandardHelpOptions = true,
        description = "Detach this server: it is no longer routed to and never promoted.")
final class DetachNodeCommand extends NodeActionCommand {
    @Override
    ActionReply send(AdminClient client, NodeRequest request) {
        return client.detachNode(request);
    }
}
