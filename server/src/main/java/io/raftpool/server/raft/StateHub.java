package io.raftpool.server.raft;

import io.raftpool.server.state.Transitions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest applied state of this agent, and the fan-out of every change to whoever follows
 * it (duty loops, proxy watch streams). Ratis calls {@link #publish} from its apply thread, so
 * publishing never blocks: listeners run on one dispatch thread, in commit order.
 */
public final class StateHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateHub.class);

    private volatile AppliedState current = new AppliedState(Transitions.empty(), 0, 0);
    private final List<Consumer<AppliedState>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService dispatch = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "state-dispatch");
        t.setDaemon(true);
        return t;
    });
    private final Object monitor = new Object();

    public AppliedState current() {
        return current;
    }

    public void publish(AppliedState applied) {
        synchronized (monitor) {
            current = applied;
            monitor.notifyAll();
        }
        dispatch.execute(() -> {
            for (Consumer<AppliedState> l : listeners) {
                try {
                    l.accept(applied);
                } catch (RuntimeException e) {
                    LOG.warn("state listener failed at index {}: {}", applied.index(), e.toString());
                }
            }
        });
    }

    public Runnable subscribe(Consumer<AppliedState> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Waits until the entry at {@code index} is applied here; false on timeout. */
    public boolean awaitIndex(long index, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (current.index() < index) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                monitor.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    @Override
    public void close() {
        dispatch.shutdownNow();
    }
}
