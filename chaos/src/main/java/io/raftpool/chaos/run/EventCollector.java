package io.raftpool.chaos.run;

import io.raftpool.chaos.Progress;
import io.raftpool.harness.ClusterHealth;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Follows the committed state while a run goes on: every committed event (the state keeps only
 * the latest ones, so they are gathered as they come) and every change of primary, with the
 * history's time, for the report's markers and the progress lines.
 */
final class EventCollector {
    private static final long POLL_MS = 500;

    /** The committed primary changed (node, epoch or phase), seen at history time {@code timeNs}. */
    record PrimaryChange(long timeNs, long wallMs, int node, long epoch, String phase) {}

    private final LocalCluster cluster;
    private final LongSupplier historyNanos;
    private final Progress progress;
    private final Map<Long, Event> events = new TreeMap<>();
    private final List<PrimaryChange> changes = new ArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread thread;
    private Primary lastPrimary;
    private ClusterState lastState;

    EventCollector(LocalCluster cluster, LongSupplier historyNanos, Progress progress) {
        this.cluster = cluster;
        this.historyNanos = historyNanos;
        this.progress = progress;
        this.thread = new Thread(this::run, "chaos-events");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped.set(true);
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poll(); // the last word
    }

    private void run() {
        while (!stopped.get()) {
            poll();
            try {
                Thread.sleep(POLL_MS); // the polling period of a follower, not a synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    synchronized void poll() {
        Optional<ClusterState> s = cluster.state();
        if (s.isEmpty()) {
            return;
        }
        lastState = s.get();
        for (Event e : s.get().getEventsList()) {
            events.putIfAbsent(e.getSeq(), e);
        }
        Primary p = s.get().getPrimary();
        if (isNews(lastPrimary, p)) {
            changes.add(new PrimaryChange(historyNanos.getAsLong(), System.currentTimeMillis(), p.getNodeId(), p.getEpoch(),
                    p.getPhase().name()));
            progress.line("state: primary node " + p.getNodeId() + ", epoch " + p.getEpoch() + ", " + p.getPhase()
                    + " | " + ClusterHealth.stateLine(s.get()));
            lastPrimary = p;
        }
    }

    /**
     * Whether {@code p} is a change of primary and not an older view: an agent just back from a
     * partition answers with the epoch it knew, which must not look like a step back.
     */
    static boolean isNews(Primary last, Primary p) {
        if (last == null || p.getEpoch() > last.getEpoch()) {
            return true;
        }
        return p.getEpoch() == last.getEpoch() && (p.getNodeId() != last.getNodeId() || p.getPhase() != last.getPhase())
                && rank(p.getPhase()) >= rank(last.getPhase());
    }

    /** Within one epoch: bootstrapping or promoting comes first, then active or (a failed promotion) none. */
    private static int rank(PrimaryPhase phase) {
        return switch (phase) {
            case BOOTSTRAPPING -> 1;
            case PROMOTING -> 2;
            default -> 3;
        };
    }

    synchronized List<Event> events() {
        return List.copyOf(events.values());
    }

    synchronized List<PrimaryChange> primaryChanges() {
        return List.copyOf(changes);
    }

    synchronized Optional<ClusterState> lastState() {
        return Optional.ofNullable(lastState);
    }
}
