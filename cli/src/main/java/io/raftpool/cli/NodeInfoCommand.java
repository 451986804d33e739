package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.cli.render.NodeInfoView;
import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.ClusterState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "node-info", mixinStandardHelpOptions = true,
        description = "Everything about one node: its config, its backend, what each agent last saw of it.")
final class NodeInfoCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "N", description = "the node id")
    int nodeId;

    @Option(names = "--json", description = "print JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        ClusterConfig config = config();
        requireNode(config, nodeId);
        ClusterState state;
        try (AdminClient client = adminClient(config)) {
            state = client.getState().getState();
        }
        if (NodeInfoView.node(state, nodeId).isEmpty()) {
            throw new CommandFailure("node " + nodeId + " is in " + config.source()
                    + " but not in the committed state: the cluster has not taken it in (is the cluster initialised?)");
        }
        print(json ? NodeInfoView.json(state, nodeId) : NodeInfoView.text(state, nodeId, environment().zone()));
        return ExitCodes.OK;
    }
}
