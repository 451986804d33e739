package io.raftpool.server.leader;

import java.util.Map;
import java.util.OptionalLong;

/**
 * When the leader last heard from each agent (its linearizable heartbeat), on the leader's
 * monotonic clock in milliseconds. A new leader knows nothing older than its own start as
 * leader, so it counts every agent as heard at that moment: fencing waits then run from there,
 * which is safe (never shorter than the truth). {@code awayUntilMs}: agents that stopped for a
 * restart and left their server fenced only by its watchdog until then (see {@link RestartWindows}).
 */
public record Liveness(Map<Integer, Long> lastHeardMs, long nowMs, long agentTimeoutMs, Map<Integer, Long> awayUntilMs) {
    public Liveness {
        lastHeardMs = Map.copyOf(lastHeardMs);
        awayUntilMs = Map.copyOf(awayUntilMs);
    }

    public Liveness(Map<Integer, Long> lastHeardMs, long nowMs, long agentTimeoutMs) {
        this(lastHeardMs, nowMs, agentTimeoutMs, Map.of());
    }

    public boolean alive(int nodeId) {
        Long heard = lastHeardMs.get(nodeId);
        return heard != null && nowMs - heard <= agentTimeoutMs;
    }

    public OptionalLong lastHeard(int nodeId) {
        Long heard = lastHeardMs.get(nodeId);
        return heard == null ? OptionalLong.empty() : OptionalLong.of(heard);
    }

    /** The end of the restart window of this node's agent, when one is open. */
    public OptionalLong awayUntil(int nodeId) {
        Long until = awayUntilMs.get(nodeId);
        return until == null ? OptionalLong.empty() : OptionalLong.of(until);
    }
}
