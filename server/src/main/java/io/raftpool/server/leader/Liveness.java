package io.raftpool.server.leader;

import java.util.Map;
import java.util.OptionalLong;

/**
 * When the leader last heard from each agent (its linearizable heartbeat), on the leader's
 * monotonic clock in milliseconds. A new leader knows nothing older than its own start as
 * leader, so it counts every agent as heard at that moment: fencing waits then run from there,
 * which is safe (never shorter than the truth).
 */
public record Liveness(Map<Integer, Long> lastHeardMs, long nowMs, long agentTimeoutMs) {
    public Liveness {
        lastHeardMs = Map.copyOf(lastHeardMs);
    }

    public boolean alive(int nodeId) {
        Long heard = lastHeardMs.get(nodeId);
        return heard != null && nowMs - heard <= agentTimeoutMs;
    }

    public OptionalLong lastHeard(int nodeId) {
        Long heard = lastHeardMs.get(nodeId);
        return heard == null ? OptionalLong.empty() : OptionalLong.of(heard);
    }
}
