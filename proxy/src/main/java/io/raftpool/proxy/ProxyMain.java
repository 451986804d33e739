package io.raftpool.proxy;

import io.raftpool.config.ClusterConfig;

/** The entry point of {@code raftpool proxy --config F --node-id N}. */
public final class ProxyMain {

    private ProxyMain() {}

    /**
     * Starts the proxy of {@code nodeId} and blocks until the JVM is asked to stop (the proxy
     * then closes every session before exiting) or the calling thread is interrupted.
     *
     * @throws io.raftpool.config.ConfigException when the node has no proxy section
     * @throws IllegalStateException when a port cannot be bound
     */
    public static void run(ClusterConfig config, int nodeId) throws InterruptedException {
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
