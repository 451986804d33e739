package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.RestartRequest;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftpool backup}: a backup of a standby, showing its progress: pg_basebackup (WAL
 * included) into archive.directory/backups, or pgBackRest (full, incr or diff, --backup-standby)
 * into archive.pgbackrest's repository; recovery-node --from-backup restores the newest one.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Take a backup of a standby (the least behind, or --node N): into archive.directory/backups"
                + " (full), or with pgBackRest (full, incr, diff).")
final class BackupCommand extends ClusterCommand {
    @Option(names = "--node", paramLabel = "N", defaultValue = "-1",
            description = "the server to copy (default: the up standby least behind; the primary only if named)")
    int nodeId;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "give up waiting after this long (default: ${DEFAULT-VALUE}); the backup itself goes on")
    int timeoutSeconds;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "full",
            description = "full (default), incr (changes since the last backup) or diff (since the last full);"
                    + " incr and diff need archive.pgbackrest")
    String type;

    @Override
    public Integer call() throws InterruptedException {
        ClusterConfig config = config();
        if (nodeId >= 0) {
            requireNode(config, nodeId);
        }
        try (AdminClient client = adminClient(config)) {
            long firstEvent = client.getState().getState().getNextEventSeq();
            ActionReply reply = client.backup(RestartRequest.newBuilder().setNodeId(nodeId).setBy(PauseCommand.who())
                    .setBackupType(type).build());
            if (!reply.getAccepted()) {
                throw new CommandFailure("backup refused: " + reply.getMessage());
            }
            print(reply.getMessage() + "\n");
            return follow(client, firstEvent);
        }
    }

    private int follow(AdminClient client, long firstEvent) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        String shown = "";
        while (System.nanoTime() < deadline) {
            ClusterState s = client.getState().getState();
            Optional<Backend> running = s.getBackendsList().stream().filter(b -> b.getBackupRequestedMs() > 0).findFirst();
            if (running.isEmpty()) {
                Optional<Event> outcome = s.getEventsList().stream().filter(e -> e.getSeq() >= firstEvent
                        && e.getKind().equals("backup") && !e.getMessage().endsWith("requested")
                        && !e.getMessage().contains("requested by")).reduce((a, b) -> b);
                String message = outcome.map(Event::getMessage).orElse("the backup ended; see raftpool events");
                if (message.contains(" failed: ")) {
                    throw new CommandFailure(message);
                }
                print(message + "\n");
                return ExitCodes.OK;
            }
            String line = "node " + running.get().getNodeId() + ": " + running.get().getBackupProgress();
            if (!line.equals(shown)) {
                print("  " + line + "\n");
                shown = line;
            }
            Thread.sleep(300);
        }
        throw new CommandFailure("the backup is not done after " + timeoutSeconds + " s; it goes on: follow it with"
                + " raftpool backups");
    }
}
