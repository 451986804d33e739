package io.raftpool.server.api;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.OutageReport;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * A proxy's report of how long its write clients could not write around a change of primary
 * (issue 22), committed as an "outage" event so that raftpool events says, per failover and
 * switchover, how long clients waited, per proxy. Checked, because the read role may send it:
 * a known node, an epoch that has been, a plausible duration, once per proxy and epoch.
 */
final class OutageReports {
    static final long MAX_MS = Duration.ofMinutes(10).toMillis();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final AdminActions actions;

    OutageReports(AdminActions actions) {
        this.actions = actions;
    }

    ActionReply report(OutageReport r) {
        Optional<ClusterState> current = actions.currentState();
        if (current.isEmpty()) {
            return actions.notCurrent();
        }
        ClusterState s = current.get();
        Optional<String> refusal = refusal(s, r);
        if (refusal.isPresent()) {
            return AdminActions.refused(refusal.get());
        }
        if (recorded(s, r)) {
            return AdminActions.accepted("already recorded", s.getPrimary().getEpoch());
        }
        Event e = Event.newBuilder().setKind("outage").setNodeId(r.getProxyNodeId()).setEpoch(r.getEpoch())
                .setDurationMs(r.getDurationMs()).setStartedMs(r.getStartedMs()).setMessage("write clients of the proxy on node " + r.getProxyNodeId()
                        + " could not write for " + r.getDurationMs() + " ms, from " + TIME.format(Instant.ofEpochMilli(
                        r.getStartedMs())) + " UTC until a connection reached the primary of epoch " + r.getEpoch())
                .build();
        Optional<String> failure = actions.commit(actions.base().setAppendEvent(AppendEvent.newBuilder().setEvent(e))
                .build(), Duration.ofSeconds(10));
        return failure.map(AdminActions::refused)
                .orElseGet(() -> AdminActions.accepted("outage recorded", s.getPrimary().getEpoch()));
    }

    static Optional<String> refusal(ClusterState s, OutageReport r) {
        if (ClusterStates.node(s, r.getProxyNodeId()).isEmpty()) {
            return Optional.of("node " + r.getProxyNodeId() + " is not a member of the cluster");
        }
        if (r.getEpoch() < 1 || r.getEpoch() > s.getPrimary().getEpoch()) {
            return Optional.of("epoch " + r.getEpoch() + " has not been; allowed: 1 to " + s.getPrimary().getEpoch());
        }
        if (r.getDurationMs() < 0 || r.getDurationMs() > MAX_MS || r.getStartedMs() <= 0) {
            return Optional.of("an outage of " + r.getDurationMs() + " ms from " + r.getStartedMs() + " is not"
                    + " plausible; allowed: 0 to " + MAX_MS + " ms from a positive time");
        }
        return Optional.empty();
    }

    private static boolean recorded(ClusterState s, OutageReport r) {
        return s.getEventsList().stream().anyMatch(e -> e.getKind().equals("outage")
                && e.getNodeId() == r.getProxyNodeId() && e.getEpoch() == r.getEpoch());
    }
}
