package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.cli.render.EventsView;
import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.ClusterState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "events", mixinStandardHelpOptions = true,
        description = "The committed history: failovers, recoveries, status changes, leader changes, and why.")
final class EventsCommand extends ClusterCommand {
    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "show the latest N events (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--json", description = "print JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit " + limit + " is not allowed; give 1 or more");
        }
        ClusterConfig config = config();
        ClusterState state;
        try (AdminClient client = adminClient(config)) {
            state = client.getState().getState();
        }
        print(json ? EventsView.json(state, limit) : EventsView.text(state, limit, environment().zone()));
        return ExitCodes.OK;
    }
}
