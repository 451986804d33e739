package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.AddNodeRequest;
import io.raftpool.server.leader.ClusterInit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftpool add-node N}: node N, added to the config file on every host and with its
 * agent started, joins the running cluster: the committed state, then the Raft configuration;
 * its agent then builds its PostgreSQL as a standby (pg_basebackup). Without downtime.
 */
@Command(name = "add-node", mixinStandardHelpOptions = true,
        description = "Add node N (described in the config, its agent started) to the running cluster.")
final class AddNodeCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "N", description = "the id of the new node in the config")
    int nodeId;

    @Option(names = "--json", description = "print the reply as JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        ClusterConfig config = config();
        NodeConfig node = requireNode(config, nodeId);
        ActionReply reply;
        try (AdminClient client = adminClient(config)) {
            reply = client.addNode(AddNodeRequest.newBuilder().setNode(ClusterInit.nodeInfo(node))
                    .setTimeoutMs(60_000).build());
        }
        return report("add-node", nodeId, reply, json);
    }
}
