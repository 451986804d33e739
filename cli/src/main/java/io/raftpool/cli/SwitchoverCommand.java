package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.cli.render.ActionReplyView;
import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.SwitchoverRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftpool switchover [--to N]}: a planned change of primary with no acknowledged write
 * lost: the proxies stop sending writes to the primary, it stops cleanly, the target promotes
 * once it has received all of its WAL, and the old primary rejoins as its standby.
 */
@Command(name = "switchover", mixinStandardHelpOptions = true,
        description = "Move the primary role to a standby with no data loss; the old primary rejoins as a standby.")
final class SwitchoverCommand extends ClusterCommand {
    @Option(names = "--to", paramLabel = "N", defaultValue = "-1",
            description = "the standby to promote (default: the up standby with the least lag)")
    int target;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "how long to wait for the outcome (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--json", description = "print the reply as JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        ClusterConfig config = config();
        if (target >= 0) {
            requireNode(config, target);
        }
        ActionReply reply;
        try (AdminClient client = adminClient(config)) {
            reply = client.switchover(SwitchoverRequest.newBuilder().setTarget(target).setWait(true)
                    .setTimeoutMs(timeoutSeconds * 1000L).build());
        }
        if (json) {
            print(ActionReplyView.json("switchover", target, reply));
        }
        if (!reply.getAccepted()) {
            environment().err().print(ActionReplyView.text("switchover", target, reply));
            environment().err().flush();
            return ExitCodes.FAILED;
        }
        if (!json) {
            print(ActionReplyView.text("switchover", target, reply));
        }
        return ExitCodes.OK;
    }
}
