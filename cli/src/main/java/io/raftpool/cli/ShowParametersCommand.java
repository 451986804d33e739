package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.cli.render.ParametersView;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ClusterState;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftpool show-parameters}: the settings raftpool gives each server, where each comes from, what waits for a restart. */
@Command(name = "show-parameters", mixinStandardHelpOptions = true,
        description = "Settings kept in the Raft log and in the config file, per server: value, source, context,"
                + " pending restart.")
final class ShowParametersCommand extends ClusterCommand {
    @Option(names = "--json", description = "print JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        ClusterConfig config = config();
        ClusterState state;
        try (AdminClient client = adminClient(config)) {
            state = client.getState().getState();
        }
        Map<Integer, Map<String, String>> fromConfig = new TreeMap<>();
        for (NodeConfig n : config.postgresNodes()) {
            fromConfig.put(n.id(), n.requirePostgres().parameters());
        }
        print(json ? ParametersView.json(state, fromConfig) : ParametersView.text(state, fromConfig, environment().zone()));
        return ExitCodes.OK;
    }
}
