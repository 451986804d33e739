package io.raftpool.proxy;

import io.netty.util.ResourceLeakDetector;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigException;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.NodeProcessArgs;

/** The entry point of {@code raftpool proxy --config F --node-id N}. */
public final class ProxyMain {

    private ProxyMain() {}

    /**
     * {@code --config FILE --node-id N [--log-format text|json]}; exits non-zero when the config or
     * the ports are unusable.
     */
    public static void main(String[] args) {
        NodeProcessArgs a = NodeProcessArgs.parseOrExit("raftpool proxy", args);
        NodeProcessArgs.setUpLogging("proxy " + a.nodeId(), a.nodeId(), a.logFormat());
        try {
            run(ConfigLoader.load(a.config()), a.nodeId());
        } catch (ConfigException e) {
            System.err.println("raftpool proxy: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.err.println("raftpool proxy " + a.nodeId() + ": cannot run: " + e.getMessage());
            System.exit(2);
        }
        System.exit(0);
    }

    /**
     * Starts the proxy of {@code nodeId} and blocks until the JVM is asked to stop (the proxy
     * then closes every session before exiting) or the calling thread is interrupted.
     *
     * @throws io.raftpool.config.ConfigException when the node has no proxy section
     * @throws IllegalStateException when a port cannot be bound
     */
    public static void run(ClusterConfig config, int nodeId) throws InterruptedException {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty's default samples one buffer in 128 with a stack trace, on the relay's hot path;
            // every buffer here is released by the relay itself. -Dio.netty.leakDetection.level turns it back on.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        Proxy proxy = Proxy.start(ProxyOptions.from(config, nodeId));
        Thread hook = new Thread(proxy::close, "raftpool-proxy-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            proxy.awaitClosed();
        } finally {
            proxy.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: nothing left to undo
            }
        }
    }
}
