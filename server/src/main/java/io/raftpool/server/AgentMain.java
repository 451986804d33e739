package io.raftpool.server;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigException;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.LogFormat;
import io.raftpool.config.NodeProcessArgs;
import io.raftpool.server.agent.Agent;
import java.nio.file.Path;

/**
 * {@code raftpool agent --config F --node-id N [--log-format text|json]}: runs one agent in the foreground until it is
 * stopped (SIGTERM/Ctrl-C). Exits non-zero when the config is bad or the agent cannot go on,
 * so that a supervisor (systemd, the demo, the test harness) sees it and can restart it.
 */
public final class AgentMain {
    private AgentMain() {}

    public static void main(String[] args) {
        NodeProcessArgs a = NodeProcessArgs.parseOrExit("raftpool agent", args);
        System.exit(run(a.config(), a.nodeId(), a.logFormat()));
    }

    /** Runs the agent until it stops, logging in {@code logFormat}; returns the process exit code. */
    public static int run(Path configFile, int nodeId, LogFormat logFormat) {
        NodeProcessArgs.setUpLogging("agent " + nodeId, nodeId, logFormat);
        ClusterConfig config;
        try {
            config = ConfigLoader.load(configFile);
            config.requireNode(nodeId);
        } catch (ConfigException e) {
            System.err.println("raftpool agent: " + e.getMessage());
            return 1;
        }
        Agent agent;
        try {
            agent = Agent.start(config, nodeId);
        } catch (ConfigException e) {
            System.err.println("raftpool agent: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("raftpool agent " + nodeId + ": cannot start: " + e);
            e.printStackTrace();
            return 2;
        }
        int[] exit = {0};
        agent.onFatal(() -> {
            exit[0] = 3;
            agent.close();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "agent-shutdown"));
        try {
            agent.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exit[0];
    }
}
