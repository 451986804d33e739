package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.cli.render.WatchdogInfoView;
import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.WatchdogInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "watchdog-info", mixinStandardHelpOptions = true,
        description = "The agents, the Raft quorum, the leader and the VIP (like pcp_watchdog_info).")
final class WatchdogInfoCommand extends ClusterCommand {
    @Option(names = "--json", description = "print JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        ClusterConfig config = config();
        WatchdogInfo info;
        try (AdminClient client = adminClient(config)) {
            info = client.getWatchdogInfo();
        }
        print(json ? WatchdogInfoView.json(info) : WatchdogInfoView.text(info, environment().zone()));
        return ExitCodes.OK;
    }
}
