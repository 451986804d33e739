package io.raftpool.server.api;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PauseRequest;
import io.raftpool.proto.SetMaintenance;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * raftpool pause and resume: maintenance mode, committed through Raft like every other
 * decision (see {@link io.raftpool.server.state.MaintenanceMode} for what it stops and what it
 * does not).
 */
public final class MaintenanceActions {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final AdminActions actions;
    private final LongSupplier wallMs;

    MaintenanceActions(AdminActions actions, LongSupplier wallMs) {
        this.actions = actions;
        this.wallMs = wallMs;
    }

    public ActionReply pause(PauseRequest r) {
        Optional<ClusterState> current = actions.currentState();
        if (current.isEmpty()) {
            return actions.notCurrent();
        }
        long until = r.getDurationMs() == 0 ? 0 : wallMs.getAsLong() + r.getDurationMs();
        Optional<String> failure = actions.commit(actions.base().setSetMaintenance(SetMaintenance.newBuilder()
                .setPause(true).setUntilMs(until).setBy(r.getBy()).setReason(r.getReason())).build(), timeout(r));
        if (failure.isPresent()) {
            return AdminActions.refused(failure.get());
        }
        return AdminActions.accepted((current.get().hasMaintenance() ? "pause changed" : "paused") + ": no automatic"
                + " failover, auto_rejoin or start of a stopped server " + (until == 0 ? "until raftpool resume"
                : "until " + TIME.format(Instant.ofEpochMilli(until)) + " UTC") + "; fencing goes on",
                current.get().getPrimary().getEpoch());
    }

    public ActionReply resume(PauseRequest r) {
        Optional<ClusterState> current = actions.currentState();
        if (current.isEmpty()) {
            return actions.notCurrent();
        }
        if (!current.get().hasMaintenance()) {
            return AdminActions.refused("the cluster is not paused: nothing to resume");
        }
        Optional<String> failure = actions.commit(actions.base().setSetMaintenance(SetMaintenance.newBuilder()
                .setPause(false).setBy(r.getBy()).setReason(r.getReason())).build(), timeout(r));
        if (failure.isPresent()) {
            return AdminActions.refused(failure.get());
        }
        return AdminActions.accepted("resumed: automatic failover is on again", current.get().getPrimary().getEpoch());
    }

    private static Duration timeout(PauseRequest r) {
        return r.getTimeoutMs() > 0 ? Duration.ofMillis(r.getTimeoutMs()) : AdminActions.DEFAULT_WAIT;
    }
}
