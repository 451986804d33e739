package io.raftpool.cli;

import io.raftpool.server.AgentMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run this node's agent in the foreground (Raft member, health checks, PostgreSQL control).")
final class AgentCommand extends ClusterCommand {
    @Option(names = "--node-id", required = true, paramLabel = "N", description = "this node's id in the config")
    int nodeId;

    @Mixin
    LogFormatOption log;

    @Override
    public Integer call() {
        return AgentMain.run(root.configLocation().path(), nodeId, log.format);
    }
}
