package io.raftpool.server;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigException;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.LogFormat;
import io.raftpool.config.NodeProcessArgs;
import io.raftpool.server.agent.Agent;
import io.raftpool.server.raft.MemberStorage;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

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
        int restarts = 0;
        while (true) {
            Outcome outcome = runAgent(config, nodeId, stuckRestartAfterMs(restarts));
            if (outcome == Outcome.RESTART) {
                restarts++;
                continue;
            }
            if (outcome != Outcome.REBUILD) {
                return outcome.exitCode;
            }
            try {
                Path aside = MemberStorage.setAside(config, nodeId);
                LoggerFactory.getLogger(AgentMain.class).warn("rebuild-member: raft storage set aside in {} (remove it once"
                        + " this member is a voter again); starting the agent again with an empty raft log", aside);
            } catch (IOException e) {
                System.err.println("raftpool agent " + nodeId + ": cannot set the raft storage aside: " + e.getMessage());
                return Outcome.FATAL.exitCode;
            }
        }
    }

    /** How one run of the agent ended, and the process exit code it means. */
    private enum Outcome {
        STOPPED(0), BAD_CONFIG(1), CANNOT_START(2), FATAL(3),
        /** An operator's rebuild-member asked this member to start again empty (not an exit). */
        REBUILD(3),
        /** Its raft member stopped following the leader: start again with the same storage (not an exit). */
        RESTART(3);

        final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    /**
     * How long a member may not follow before its agent restarts: 20 s, then three times longer
     * after each restart in this process, at most 10 min, so that a member that cannot follow for
     * a reason a restart does not cure does not restart in a loop.
     */
    static long stuckRestartAfterMs(int restartsSoFar) {
        long ms = 20_000;
        for (int i = 0; i < restartsSoFar && ms < 600_000; i++) {
            ms *= 3;
        }
        return Math.min(ms, 600_000);
    }

    private static Outcome runAgent(ClusterConfig config, int nodeId, long stuckRestartAfterMs) {
        Agent agent;
        try {
            agent = Agent.start(config, nodeId);
        } catch (ConfigException e) {
            System.err.println("raftpool agent: " + e.getMessage());
            return Outcome.BAD_CONFIG;
        } catch (Exception e) {
            System.err.println("raftpool agent " + nodeId + ": cannot start: " + e);
            e.printStackTrace();
            return Outcome.CANNOT_START;
        }
        Outcome[] outcome = {Outcome.STOPPED};
        agent.onFatal(() -> {
            outcome[0] = Outcome.FATAL;
            agent.close();
        });
        agent.onRebuild(() -> {
            outcome[0] = Outcome.REBUILD;
            agent.close();
        });
        agent.onStuck(stuckRestartAfterMs, () -> {
            outcome[0] = Outcome.RESTART;
            new Thread(agent::close, "agent-restart").start(); // not on the watch's own timer thread
        });
        Thread hook = new Thread(agent::close, "agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            agent.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (outcome[0] == Outcome.REBUILD || outcome[0] == Outcome.RESTART) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return outcome[0];
    }
}
