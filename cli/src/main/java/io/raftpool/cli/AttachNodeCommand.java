package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.NodeRequest;
import picocli.CommandLine.Command;

@Command(name = "attach-node", mixinStandardHelpOptions = true,
        description = "Attach a detached server again: it is routed to and may be promoted.")
final class AttachNodeCommand extends NodeActionCommand {
    @Override
    ActionReply send(AdminClient client, NodeRequest request) {
        return client.attachNode(request);
    }
}
