package io.raftpool.server.api;

import io.raftpool.proto.ActionReply;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.ParameterChange;
import io.raftpool.proto.RequestRestart;
import io.raftpool.proto.RestartRequest;
import io.raftpool.proto.SetParameters;
import io.raftpool.proto.SetParametersRequest;
import io.raftpool.server.postgres.SettingSpec;
import io.raftpool.server.state.ClusterParameters;
import io.raftpool.server.state.ClusterStates;
import io.raftpool.server.state.ServerRestarts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * raftpool set-parameter and restart-node. A setting is checked against pg_settings of a running
 * server (name known, settable, value in range) before it is committed; every agent then applies
 * it ({@code ParameterDuty}). A restart is committed as a request its node's agent carries out.
 */
public final class ParameterActions {
    private final AdminActions actions;
    private final SettingLookup settings;

    ParameterActions(AdminActions actions, SettingLookup settings) {
        this.actions = actions;
        this.settings = settings;
    }

    public ActionReply set(SetParametersRequest r) {
        Optional<ClusterState> current = actions.currentState();
        if (current.isEmpty()) {
            return actions.notCurrent();
        }
        ClusterState s = current.get();
        List<ParameterChange> changes = new ArrayList<>();
        for (ParameterChange c : r.getChangesList()) {
            String name = ClusterParameters.normalName(c.getName());
            Optional<String> refusal = ClusterParameters.nameRefusal(name);
            if (refusal.isEmpty() && c.getNodeId() != ClusterParameters.EVERY_SERVER
                    && ClusterStates.backend(s, c.getNodeId()).isEmpty()) {
                refusal = Optional.of("node " + c.getNodeId() + " has no PostgreSQL server in this cluster; servers are "
                        + ClusterStates.backendIds(s));
            }
            if (refusal.isPresent()) {
                return AdminActions.refused(refusal.get() + "; nothing was changed");
            }
            changes.add(c.toBuilder().setName(name).setValue(c.getValue().trim()).build());
        }
        List<String> toCheck = changes.stream().filter(c -> !c.getReset()).map(ParameterChange::getName).distinct().toList();
        SettingLookup.Answer answer;
        try {
            answer = toCheck.isEmpty() ? new SettingLookup.Answer(-1, java.util.Map.of()) : settings.specs(s, toCheck);
        } catch (RuntimeException e) {
            return AdminActions.refused("cannot check the settings against PostgreSQL: " + e.getMessage()
                    + "; nothing was changed");
        }
        SetParameters.Builder set = SetParameters.newBuilder().setBy(r.getBy());
        for (ParameterChange c : changes) {
            SettingSpec spec = answer.specs().get(c.getName());
            if (c.getReset()) {
                set.addChanges(c);
                continue;
            }
            if (spec == null && !c.getName().contains(".")) {
                return AdminActions.refused("unknown setting '" + c.getName() + "': PostgreSQL on node " + answer.nodeId()
                        + " has no such setting (see pg_settings); nothing was changed");
            }
            Optional<String> bad = spec == null ? Optional.empty() : spec.notSettable().or(() -> spec.check(c.getValue()));
            if (bad.isPresent()) {
                return AdminActions.refused(bad.get() + "; nothing was changed");
            }
            // an extension's setting the server does not know yet is kept as text, as PostgreSQL keeps it
            set.addChanges(c.toBuilder().setContext(spec == null ? "user" : spec.context()));
        }
        Optional<String> failure = actions.commit(actions.base().setSetParameters(set).build(), timeout(r.getTimeoutMs()));
        if (failure.isPresent()) {
            return AdminActions.refused(failure.get());
        }
        ClusterState after = actions.currentState().orElse(s);
        long version = after.getParametersVersion();
        String what = set.getChangesList().stream().map(c -> c.getReset() ? c.getName() + " reset"
                : c.getName() + "=" + c.getValue()).collect(Collectors.joining(", ")) + " "
                + scopes(set.getChangesList());
        if (!r.getWait()) {
            return AdminActions.accepted(what + " committed (version " + version + "); every agent writes it and"
                    + " reloads", after.getPrimary().getEpoch());
        }
        ClusterState end = actions.awaitState(timeout(r.getTimeoutMs()), st -> upServers(st).stream()
                .allMatch(b -> b.getParametersApplied() >= version));
        List<Integer> late = upServers(end).stream().filter(b -> b.getParametersApplied() < version)
                .map(Backend::getNodeId).toList();
        if (!late.isEmpty()) {
            return AdminActions.refused(what + " committed (version " + version + "), but node(s) " + late
                    + " did not report it applied within " + timeout(r.getTimeoutMs()).toSeconds() + " s; see"
                    + " raftpool show-parameters");
        }
        String pending = ClusterParameters.pendingSummary(end);
        return AdminActions.accepted(what + ": applied (reloaded) on node(s) " + upServers(end).stream()
                .map(Backend::getNodeId).toList() + (pending.isEmpty() ? "" : "; pending restart on " + pending
                + ": run raftpool restart --rolling"), end.getPrimary().getEpoch());
    }

    public ActionReply restart(RestartRequest r) {
        Optional<ClusterState> current = actions.currentState();
        if (current.isEmpty()) {
            return actions.notCurrent();
        }
        Optional<String> refusal = ServerRestarts.refusal(current.get(), r.getNodeId());
        if (refusal.isPresent()) {
            return AdminActions.refused(refusal.get());
        }
        long firstEvent = current.get().getNextEventSeq();
        Optional<String> failure = actions.commit(actions.base().setRequestRestart(RequestRestart.newBuilder()
                .setNodeId(r.getNodeId()).setBy(r.getBy())).build(), timeout(r.getTimeoutMs()));
        if (failure.isPresent()) {
            return AdminActions.refused(failure.get());
        }
        if (!r.getWait()) {
            return AdminActions.accepted("restart of node " + r.getNodeId() + " requested", current.get().getPrimary()
                    .getEpoch());
        }
        ClusterState end = actions.awaitState(timeout(r.getTimeoutMs()), st -> ClusterStates.backend(st, r.getNodeId())
                .map(b -> b.getRestartRequestedMs() == 0 && b.getStatus() == BackendStatus.UP).orElse(true));
        Backend b = ClusterStates.backend(end, r.getNodeId()).orElse(Backend.getDefaultInstance());
        Optional<String> outcome = end.getEventsList().stream().filter(e -> e.getSeq() >= firstEvent
                && e.getKind().equals("restart") && e.getNodeId() == r.getNodeId() && e.getMessage().startsWith("node "))
                .map(Event::getMessage).reduce((a, x) -> x);
        if (b.getRestartRequestedMs() != 0) {
            return AdminActions.refused("node " + r.getNodeId() + " has not restarted within "
                    + timeout(r.getTimeoutMs()).toSeconds() + " s; follow it with raftpool events");
        }
        if (b.getStatus() != BackendStatus.UP) {
            return AdminActions.refused(outcome.orElse("node " + r.getNodeId() + " restarted") + ", but it is not up"
                    + " yet: " + b.getStatusReason());
        }
        return AdminActions.accepted(outcome.orElse("node " + r.getNodeId() + " restarted") + "; it is up: "
                + b.getStatusReason(), end.getPrimary().getEpoch());
    }

    private static List<Backend> upServers(ClusterState s) {
        return s.getBackendsList().stream().filter(b -> b.getStatus() == BackendStatus.UP).toList();
    }

    private static String scopes(List<ParameterChange> changes) {
        List<String> scopes = changes.stream().map(c -> ClusterParameters.scope(c.getNodeId())).distinct().toList();
        return String.join(" and ", scopes);
    }

    private static Duration timeout(long ms) {
        return ms > 0 ? Duration.ofMillis(ms) : AdminActions.DEFAULT_WAIT;
    }
}
