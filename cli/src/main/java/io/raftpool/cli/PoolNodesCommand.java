package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.cli.render.PoolNodesView;
import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.StateView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "pool-nodes", mixinStandardHelpOptions = true,
        description = "The PostgreSQL servers as committed: status, role, replication (like pgpool's show pool_nodes).")
final class PoolNodesCommand extends ClusterCommand {
    @Option(names = "--json", description = "print JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        ClusterConfig config = config();
        StateView view;
        try (AdminClient client = adminClient(config)) {
            view = client.getState();
        }
        print(json ? PoolNodesView.json(view) : PoolNodesView.text(view, environment().zone()));
        return ExitCodes.OK;
    }
}
