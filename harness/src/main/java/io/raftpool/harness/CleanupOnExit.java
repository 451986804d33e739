package io.raftpool.harness;

/**
 * Removes what a test or a chaos run made on this machine (namespaces, iptables chains, cgroups)
 * once: when closed, or from a shutdown hook if the JVM ends first. A SIGKILL skips both; the
 * owners deal with such leftovers themselves.
 */
public final class CleanupOnExit implements AutoCloseable {
    private final Runnable removeAll;
    private final Thread hook;
    private boolean closed;

    private CleanupOnExit(String name, Runnable removeAll) {
        this.removeAll = removeAll;
        this.hook = new Thread(removeAll, name);
    }

    /** {@code removeAll} runs at {@link #close()} or at JVM exit, whichever comes first; {@code name} names the hook's thread. */
    public static CleanupOnExit register(String name, Runnable removeAll) {
        CleanupOnExit c = new CleanupOnExit(name, removeAll);
        Runtime.getRuntime().addShutdownHook(c.hook);
        return c;
    }

    /** Runs the removal now, unless it ran already; the hook is dropped. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeAll.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook runs or ran
        }
    }
}
