package io.raftpool.cli;

import io.raftpool.config.NodeProcessArgs;
import io.raftpool.proxy.ProxyMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run this node's proxy in the foreground: routes PostgreSQL clients to the committed primary.")
final class ProxyCommand extends ClusterCommand {
    @Option(names = "--node-id", required = true, paramLabel = "N", description = "this node's id in the config")
    int nodeId;

    @Mixin
    LogFormatOption log;

    @Override
    public Integer call() throws InterruptedException {
        NodeProcessArgs.setUpLogging("proxy " + nodeId, nodeId, log.format);
        ProxyMain.run(config(), nodeId);
        return ExitCodes.OK;
    }
}
