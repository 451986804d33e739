package io.raftpool.cli;

import io.raftpool.proto.PauseRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftpool resume}: ends maintenance mode; a failed primary is failed over from here on. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "End maintenance mode (raftpool pause): automatic failover is on again.")
final class ResumeCommand extends ClusterCommand {
    @Option(names = "--reason", paramLabel = "TEXT", description = "why, one line (shown by events)")
    String reason = "";

    @Option(names = "--json", description = "print the reply as JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        return send("resume", client -> client.resume(PauseRequest.newBuilder().setReason(reason)
                .setBy(PauseCommand.who()).build()), json);
    }
}
