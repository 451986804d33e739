package io.raftpool.server.leader;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A failover held back (a fence window, a live agent's report awaited) for longer than
 * {@link #AFTER_MS} goes into the committed history as a "deferred" event, once per epoch, with
 * the reason raftpool explain gives, so that the history says why the cluster waited.
 */
final class DeferredFailovers {
    static final long AFTER_MS = 3_000;

    private long epoch = -1;
    private long sinceMs;
    private boolean said;

    /** The primary is healthy again: a later failure is a new wait. */
    void reset() {
        epoch = -1;
    }

    /**
     * The leader's round found the failover of {@code f} held back at {@code live.nowMs()}:
     * the event to commit, once it has been held back long enough. {@code why} turns a default
     * text into the explanation.
     */
    Optional<Event> note(ClusterState s, Liveness live, FailoverPolicy.Failed f, UnaryOperator<String> why) {
        long current = s.getPrimary().getEpoch();
        if (epoch != current) {
            epoch = current;
            sinceMs = live.nowMs();
            said = false;
        }
        long held = live.nowMs() - sinceMs;
        if (said || held < AFTER_MS) {
            return Optional.empty();
        }
        said = true;
        return Optional.of(Event.newBuilder().setKind("deferred").setNodeId(f.primary()).setEpoch(current)
                .setMessage("failover deferred for " + held + " ms so far: " + why.apply(f.reason())).build());
    }
}
