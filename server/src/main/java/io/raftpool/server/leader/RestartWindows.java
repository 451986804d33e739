package io.raftpool.server.leader;

import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import java.util.HashMap;
import java.util.Map;

/**
 * The restart windows the leader must wait out (S6): a primary's agent that stopped cleanly
 * committed one before it extended its watchdog's lease by that long. The state carries no
 * time the leader's clock can use, so each window is timed from when this leader first saw it:
 * never earlier than the commit, so never shorter than the lease the agent set (it measured
 * from before it submitted). A new leader times the windows open at its start from then.
 */
final class RestartWindows {
    private record Seen(long issuedMs, long seenAtMs) {}

    private final Map<Integer, Seen> seen = new HashMap<>();

    /** Forgets every window: a new leadership times them anew. */
    synchronized void reset() {
        seen.clear();
    }

    /** Node id to the end of its open window, on the leader's monotonic clock. */
    synchronized Map<Integer, Long> untilMs(ClusterState state, long nowMs) {
        Map<Integer, Long> until = new HashMap<>();
        for (Backend b : state.getBackendsList()) {
            if (b.getAgentAwayMs() <= 0) {
                seen.remove(b.getNodeId());
                continue;
            }
            Seen s = seen.get(b.getNodeId());
            if (s == null || s.issuedMs() != b.getAgentAwayIssuedMs()) {
                s = new Seen(b.getAgentAwayIssuedMs(), nowMs);
                seen.put(b.getNodeId(), s);
            }
            long end = s.seenAtMs() + b.getAgentAwayMs();
            if (end > nowMs) {
                until.put(b.getNodeId(), end);
            }
        }
        return until;
    }
}
