package io.raftpool.harness;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.LogFormat;
import io.raftpool.config.NodeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** How a node's agent and proxy are launched: their command lines, JVM options and log files. */
record NodeCommands(Path dir, Path configPath, boolean detached, IntFunction<List<String>> processPrefix,
                    LogFormat logFormat) {

    ManagedProcess agent(NodeConfig n, ClusterConfig config) {
        return new ManagedProcess("agent " + n.id(), command(n, config, LocalCluster.AGENT_MAIN, "192m"),
                dir.resolve("logs/agent-" + n.id() + ".log"));
    }

    ManagedProcess proxy(NodeConfig n, ClusterConfig config) {
        return new ManagedProcess("proxy " + n.id(), command(n, config, LocalCluster.PROXY_MAIN, "256m"),
                dir.resolve("logs/proxy-" + n.id() + ".log"));
    }

    private List<String> command(NodeConfig n, ClusterConfig config, String mainClass, String heap) {
        List<String> args = List.of("--config", configPath.toString(), "--node-id", Integer.toString(n.id()),
                "--log-format", logFormat.label());
        // a secured cluster's agents hash every new token: C1-only code does that four times slower
        List<String> jvm = config.security().auth() ? List.of() : ManagedProcess.testJvmOptions();
        List<String> all = new ArrayList<>(processPrefix.apply(n.id()));
        all.addAll(ManagedProcess.javaCommand(mainClass, args, heap, detached, jvm));
        return all;
    }
}
