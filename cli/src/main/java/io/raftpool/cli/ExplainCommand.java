package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.cli.render.ExplainView;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Explanation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftpool explain}: why a failover is or is not happening, as the Raft leader's rules see it now. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Why a failover is or is not happening now: each standby's eligibility and what holds a"
                + " failover back, from the leader's own rules.")
final class ExplainCommand extends ClusterCommand {
    @Option(names = "--json", description = "print JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        try (AdminClient client = adminClient(config())) {
            Explanation e = client.explain();
            if (json) {
                print(ExplainView.json(e));
            } else {
                // the table names the nodes: the state is read only for it
                ClusterState s = client.getState().getState();
                print(ExplainView.text(e, s, environment().zone()));
            }
        }
        return ExitCodes.OK;
    }
}
