package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.Recovery;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftpool recovery-node N}, like pgpool's pcp_recovery_node: rebuilds node N as a
 * standby of the current primary (pg_rewind, else pg_basebackup), showing each phase and the
 * copy's progress, and returns when N is up and streaming, or fails with the reason.
 */
@Command(name = "recovery-node", mixinStandardHelpOptions = true,
        description = "Rebuild a failed server or a standby as a streaming standby of the current primary.")
final class RecoveryNodeCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "N", description = "the node id of the PostgreSQL server to rebuild")
    int nodeId;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800",
            description = "give up waiting after this long (default: ${DEFAULT-VALUE}); the recovery itself goes on")
    int timeoutSeconds;

    @Option(names = "--from-backup", description = "restore the newest base backup (raftpool backups) and replay the"
            + " WAL archive, instead of copying from the primary: the load stays off the primary")
    boolean fromBackup;

    @Override
    public Integer call() throws InterruptedException {
        ClusterConfig config = config();
        NodeConfig node = requireNode(config, nodeId);
        if (node.witness()) {
            throw new CommandFailure("node " + nodeId + " (" + node.name() + ") is a witness: it has no PostgreSQL server;"
                    + " the PostgreSQL servers are " + nodeList(config, true));
        }
        try (AdminClient client = adminClient(config)) {
            ActionReply reply = client.recoverNode(NodeRequest.newBuilder().setNodeId(nodeId).setFromBackup(fromBackup).build());
            if (!reply.getAccepted()) {
                throw new CommandFailure("recovery of node " + nodeId + " refused: " + reply.getMessage());
            }
            print(reply.getMessage() + "\n");
            return follow(client);
        }
    }

    private int follow(AdminClient client) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        String shown = "";
        while (System.nanoTime() < deadline) {
            ClusterState s = client.getState().getState();
            Optional<Recovery> r = s.getRecoveriesList().stream().filter(x -> x.getNodeId() == nodeId).findFirst();
            if (r.isEmpty()) {
                Backend b = s.getBackendsList().stream().filter(x -> x.getNodeId() == nodeId).findFirst().orElseThrow();
                if (b.getStatus() == BackendStatus.UP) {
                    print("node " + nodeId + " is up: " + b.getStatusReason() + "\n");
                    return ExitCodes.OK;
                }
                throw new CommandFailure("recovery of node " + nodeId + " failed: " + b.getStatusReason());
            }
            String line = r.get().getPhase() + (r.get().getProgress().isEmpty() ? "" : ": " + r.get().getProgress());
            if (!line.equals(shown)) {
                print("  " + line + "\n");
                shown = line;
            }
            Thread.sleep(300);
        }
        throw new CommandFailure("node " + nodeId + " is still being recovered after " + timeoutSeconds
                + " s; follow it with raftpool pool-nodes");
    }
}
