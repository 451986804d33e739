package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.cli.render.ActionReplyView;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.NodeRequest;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** An operator's request about one PostgreSQL server, sent to the agents; prints their reply. */
abstract class NodeActionCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "N", description = "the node id of a PostgreSQL server")
    int nodeId;

    @Option(names = "--wait", description = "return only when the operation has an outcome")
    boolean waitForOutcome;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "with --wait: how long to wait for the outcome (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--json", description = "print the reply as JSON (fields: docs/cli-json.md)")
    boolean json;

    abstract ActionReply send(AdminClient client, NodeRequest request);

    /** Whether the command also applies to a witness (an agent without PostgreSQL). */
    boolean witnessAllowed() {
        return false;
    }

    @Override
    public Integer call() {
        if (timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout " + timeoutSeconds + " is not allowed; give 1 or more seconds");
        }
        ClusterConfig config = config();
        NodeConfig node = requireNode(config, nodeId);
        if (node.witness() && !witnessAllowed()) {
            throw new CommandFailure("node " + nodeId + " (" + node.name() + ") is a witness: it has no PostgreSQL server;"
                    + " the PostgreSQL servers are " + nodeList(config, true));
        }
        NodeRequest request = NodeRequest.newBuilder().setNodeId(nodeId).setWait(waitForOutcome)
                .setTimeoutMs(waitForOutcome ? timeoutSeconds * 1000L : 0).build();
        ActionReply reply;
        try (AdminClient client = adminClient(config)) {
            reply = send(client, request);
        }
        String name = spec.name();
        if (json) {
            print(ActionReplyView.json(name, nodeId, reply));
        }
        if (!reply.getAccepted()) {
            environment().err().print(ActionReplyView.text(name, nodeId, reply));
            environment().err().flush();
            return ExitCodes.FAILED;
        }
        if (!json) {
            print(ActionReplyView.text(name, nodeId, reply));
        }
        return ExitCodes.OK;
    }
}
