package io.raftpool.cli;

import io.raftpool.proto.RestartRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftpool restart-node N}: a fast stop and a start of one standby's PostgreSQL, by its agent. */
@Command(name = "restart-node", mixinStandardHelpOptions = true,
        description = "Restart one standby's PostgreSQL (e.g. for a setting pending restart); refused for the primary"
                + " (use restart --rolling) and while a node is down or being recovered.")
final class RestartNodeCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "N", description = "the node id")
    int nodeId;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "how long to wait until it is up again (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--json", description = "print the reply as JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        io.raftpool.config.ClusterConfig config = config();
        requireNode(config, nodeId);
        io.raftpool.proto.ActionReply reply;
        try (io.raftpool.api.AdminClient client = adminClient(config)) {
            reply = client.restartNode(request(nodeId, timeoutSeconds));
        }
        return report("restart-node", nodeId, reply, json);
    }

    static RestartRequest request(int nodeId, int timeoutSeconds) {
        return RestartRequest.newBuilder().setNodeId(nodeId).setBy(PauseCommand.who()).setWait(true)
                .setTimeoutMs(timeoutSeconds * 1000L).build();
    }
}
