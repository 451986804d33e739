package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.SwitchoverRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftpool restart --rolling}: every server restarted one at a time, standbys first, then a
 * switchover and the old primary. Stops at the first refusal, saying where; run it again (with
 * --pending-only) to go on.
 */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = "Restart every PostgreSQL server one at a time: standbys first, then a switchover, then the old"
                + " primary as a standby. Refused while a node is down or being recovered.")
final class RestartCommand extends ClusterCommand {
    private static final long POLL_MS = 200;

    @Option(names = "--rolling", required = true, description = "one server at a time (the only way raftpool restarts"
            + " the whole cluster)")
    boolean rolling;

    @Option(names = "--pending-only", description = "only the servers with a setting pending restart")
    boolean pendingOnly;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "how long each step may take (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Override
    public Integer call() {
        ClusterConfig config = config();
        try (AdminClient client = adminClient(config)) {
            RollingRestart.Plan plan = RollingRestart.plan(client.getState().getState(), pendingOnly);
            if (plan.refusal().isPresent()) {
                return refuse("restart --rolling: refused: " + plan.refusal().get() + "\n");
            }
            print("restart --rolling: " + RollingRestart.describe(plan.steps()) + "\n");
            for (RollingRestart.Step step : plan.steps()) {
                if (step instanceof RollingRestart.RestartStandby r) {
                    if (!restart(client, r.nodeId())) {
                        return ExitCodes.FAILED;
                    }
                } else if (step instanceof RollingRestart.SwitchoverThenRestart sw) {
                    ActionReply reply = client.switchover(SwitchoverRequest.newBuilder().setTarget(-1).setWait(true)
                            .setTimeoutMs(timeoutSeconds * 1000L).build());
                    if (!reply.getAccepted()) {
                        return refuse("restart --rolling: stopped at the switchover away from node " + sw.from() + ": "
                                + reply.getMessage() + "\n");
                    }
                    print("switchover: " + reply.getMessage() + "\n");
                    if (!awaitAllUp(client) || !restart(client, sw.from())) {
                        return ExitCodes.FAILED;
                    }
                }
            }
        }
        print("restart --rolling: done\n");
        return ExitCodes.OK;
    }

    private boolean restart(AdminClient client, int nodeId) {
        ActionReply reply = client.restartNode(RestartNodeCommand.request(nodeId, timeoutSeconds));
        if (!reply.getAccepted()) {
            refuse("restart --rolling: stopped at node " + nodeId + ": " + reply.getMessage()
                    + "\nthe servers before it were restarted; run raftpool restart --rolling --pending-only to go on\n");
            return false;
        }
        print("restart-node " + nodeId + ": " + reply.getMessage() + "\n");
        return true;
    }

    /** After a switchover the old primary rejoins as a standby; a restart waits until it is up. */
    private boolean awaitAllUp(AdminClient client) {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            ClusterState s = client.getState().getState();
            if (s.getBackendsList().stream().allMatch(b -> b.getDetached() || b.getStatus() == BackendStatus.UP)) {
                return true;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        refuse("restart --rolling: the old primary did not rejoin as a standby within " + timeoutSeconds
                + " s; see raftpool pool-nodes\n");
        return false;
    }

    private int refuse(String text) {
        environment().err().print(text);
        environment().err().flush();
        return ExitCodes.FAILED;
    }
}
