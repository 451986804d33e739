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

    /**
     * The proxy's heap starts small and grows only with its sessions (a few kB each): with the
     * initial heap at its default (1/64 of the machine's memory, up to -Xmx) every young
     * collection cycle touches the whole of it, and the relay's resident memory is mostly
     * garbage it will never need. The same options as packaging/systemd/raftpool-proxy@.service.
     */
    static final List<String> PROXY_HEAP = List.of("-Xms16m");

    ManagedProcess agent(NodeConfig n, ClusterConfig config) {
        return new ManagedProcess("agent " + n.id(), command(n, config, LocalCluster.AGENT_MAIN, "192m", List.of()),
                dir.resolve("logs/agent-" + n.id() + ".log"));
    }

    ManagedProcess proxy(NodeConfig n, ClusterConfig config) {
        return new ManagedProcess("proxy " + n.id(),
                command(n, config, LocalCluster.PROXY_MAIN, "128m", PROXY_HEAP),
                dir.resolve("logs/proxy-" + n.id() + ".log"));
    }

    private List<String> command(NodeConfig n, ClusterConfig config, String mainClass, String heap,
                                 List<String> options) {
        List<String> args = List.of("--config", configPath.toString(), "--node-id", Integer.toString(n.id()),
                "--log-format", logFormat.label());
        // a secured cluster's agents hash every new token: C1-only code does that four times slower
        List<String> jvm = new ArrayList<>(options);
        if (!config.security().auth()) {
            jvm.addAll(ManagedProcess.testJvmOptions());
        }
        List<String> all = new ArrayList<>(processPrefix.apply(n.id()));
        all.addAll(ManagedProcess.javaCommand(mainClass, args, heap, detached, jvm));
        return all;
    }
}
