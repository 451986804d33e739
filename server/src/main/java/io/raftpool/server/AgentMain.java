package io.raftpool.server;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigException;
import io.raftpool.config.ConfigLoader;
import io.raftpool.server.agent.Agent;
import java.nio.file.Path;

/**
 * {@code raftpool agent --config F --node-id N}: runs one agent in the foreground until it is
 * stopped (SIGTERM/Ctrl-C). Exits non-zero when the config is bad or the agent cannot go on,
 * so that a supervisor (systemd, the demo, the test harness) sees it and can restart it.
 */
public final class AgentMain {
    private AgentMain() {}

    public static void main(String[] args) {
        Path config = null;
        Integer nodeId = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(value(args, ++i, "--config"));
                case "--node-id" -> nodeId = parseId(value(args, ++i, "--node-id"));
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        if (config == null || nodeId == null) {
            usage("both --config and --node-id are required");
        }
        System.exit(run(config, nodeId));
    }

    /** Runs the agent until it stops; returns the process exit code. */
    public static int run(Path configFile, int nodeId) {
        System.setProperty("raftpool.process", "agent " + nodeId);
        if (System.getProperty("raftpool.log.level") == null) {
            System.setProperty("raftpool.log.level", "INFO");
        }
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

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            usage("--node-id '" + text + "' is not a whole number");
            return -1;
        }
    }

    private static void usage(String problem) {
        System.err.println("raftpool agent: " + problem + "\nusage: raftpool agent --config FILE --node-id N");
        System.exit(2);
    }
}
