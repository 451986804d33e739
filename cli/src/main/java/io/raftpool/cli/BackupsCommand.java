package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.cli.render.BackupsView;
import io.raftpool.proto.ClusterState;
import java.time.ZoneId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftpool backups}: the base backups recorded in the Raft log, and one under way. */
@Command(name = "backups", mixinStandardHelpOptions = true,
        description = "List the base backups taken with raftpool backup (newest last).")
final class BackupsCommand extends ClusterCommand {
    @Option(names = "--json", description = "print them as JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        try (AdminClient client = adminClient(config())) {
            ClusterState s = client.getState().getState();
            print(json ? BackupsView.json(s) : BackupsView.text(s, ZoneId.systemDefault()));
            return ExitCodes.OK;
        }
    }
}
