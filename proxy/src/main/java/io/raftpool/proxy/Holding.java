package io.raftpool.proxy;

import io.raftpool.proto.PrimaryPhase;
import java.time.Duration;
import java.util.Optional;

/**
 * Whether a new connection that cannot be routed now waits instead of being refused, and until
 * when: a pure function of why it cannot be routed, the view, when it started waiting and the
 * settings. It waits only while a primary (or, on a read-only port, a standby) may come without
 * an operator: a promotion or switchover under way, a primary that does not answer yet (the
 * leader replaces it, or it comes back), a view stale for less than {@link #STALE_GRACE_MS}
 * (the Raft leader being replaced). Where none can come (no promotion under way, a detached
 * primary), or this proxy cannot know (no view yet, a view stale for longer: it has lost the
 * majority), it is refused, as before.
 *
 * <p>Holding never routes: a held connection is admitted by {@link Routing} like any other, so
 * S1 is unchanged.
 */
public final class Holding {
    /** How often a held connection asks again when no new view wakes it first. */
    static final long RETRY_MS = 100;
    /**
     * How long past {@code proxy.stale_after} a stale view is waited on: about a Raft re-election
     * (a frozen or lost leader is replaced, and the agents' views are fresh again). Past it, the
     * proxy has lost the cluster and refuses.
     */
    public static final long STALE_GRACE_MS = 2_000;

    private Holding() {}

    /** What to do with a connection refused now. */
    public sealed interface Decision {
        /** Ask again at {@code retryAtMs} (or at the next view, whichever comes first). */
        record Hold(long retryAtMs, String why) implements Decision {}

        record Refuse(Refusal refusal) implements Decision {}
    }

    /**
     * @param heldSinceMs when the connection started waiting; -1 when it has not waited yet
     * @param heldNow     how many connections wait now, this one not included
     */
    public static Decision decide(Refusal refusal, Optional<AgentView> view, long heldSinceMs, long now,
                                  Duration holdTimeout, int holdMax, int heldNow, Duration staleAfter) {
        Optional<String> why = reasonToWait(refusal, view, now, staleAfter);
        if (holdTimeout.isZero() || why.isEmpty()) {
            return new Decision.Refuse(heldSinceMs < 0 ? refusal : afterHolding(refusal, now - heldSinceMs,
                    "nothing is on its way now"));
        }
        if (heldSinceMs < 0) {
            if (heldNow >= holdMax) {
                return new Decision.Refuse(new Refusal(RefusalReason.HOLD_FULL, "raftpool: " + heldNow
                        + " connections are already waiting for the cluster (proxy.hold_max " + holdMax + "); "
                        + strip(refusal.message())));
            }
            return new Decision.Hold(now + Math.min(RETRY_MS, holdTimeout.toMillis()), why.get());
        }
        long deadline = heldSinceMs + holdTimeout.toMillis();
        if (now >= deadline) {
            return new Decision.Refuse(new Refusal(RefusalReason.HOLD_TIMEOUT, "raftpool: waited "
                    + (now - heldSinceMs) + " ms (proxy.hold_timeout " + holdTimeout.toMillis() + " ms) and "
                    + strip(refusal.message())));
        }
        return new Decision.Hold(Math.min(deadline, now + RETRY_MS), why.get());
    }

    /** Why a connection refused for this may wait, or empty when nothing is on its way. */
    static Optional<String> reasonToWait(Refusal refusal, Optional<AgentView> view, long now, Duration staleAfter) {
        return switch (refusal.reason()) {
            case STALE_VIEW -> view.filter(v -> v.ageMs(now) < staleAfter.toMillis() + STALE_GRACE_MS)
                    .map(v -> "this proxy's view is stale for now (the Raft leader may be being replaced)");
            case CONNECT_FAILED -> Optional.of("the primary does not answer");
            case NO_BACKEND -> Optional.of("no standby is up");
            case NO_PRIMARY -> view.map(v -> v.cluster().phase()).filter(p -> p == PrimaryPhase.PROMOTING
                    || p == PrimaryPhase.BOOTSTRAPPING).map(p -> "a promotion is under way");
            default -> Optional.empty();
        };
    }

    private static Refusal afterHolding(Refusal refusal, long heldMs, String why) {
        return new Refusal(refusal.reason(), "raftpool: waited " + heldMs + " ms, and " + why + ": "
                + strip(refusal.message()));
    }

    private static String strip(String message) {
        return message.replaceFirst("^raftpool: ", "");
    }
}
