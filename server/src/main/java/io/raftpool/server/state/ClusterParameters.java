package io.raftpool.server.state;

import static io.raftpool.server.state.EventLog.event;
import static io.raftpool.server.state.EventLog.withEvent;

import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Parameter;
import io.raftpool.proto.ParameterChange;
import io.raftpool.proto.ReportParameters;
import io.raftpool.proto.SetParameters;
import io.raftpool.server.postgres.ServerSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * PostgreSQL settings kept in the Raft log (raftpool set-parameter): for every server or for
 * one, a node's own value winning over the cluster's. Every agent writes what applies to its
 * server and reloads; what needs a restart is reported back as pending. Settings raftpool
 * itself owns are refused here, whoever submits them. Pure.
 */
public final class ClusterParameters {
    public static final int EVERY_SERVER = -1;
    /** Settings raftpool sets itself: a value kept in the log would fight raftpool's own. */
    public static final Set<String> OWNED;
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z0-9_]+)?");

    static {
        Set<String> owned = new HashSet<>(ServerSettings.MANAGED_PARAMETERS);
        owned.addAll(List.of("synchronous_standby_names", "cluster_name", "include", "include_if_exists",
                "include_dir"));
        OWNED = Set.copyOf(owned);
    }

    private ClusterParameters() {}

    /** Why {@code name} may not be kept in the log, if it may not: not a setting name, or one raftpool owns. */
    public static Optional<String> nameRefusal(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.of("'" + name + "' is not a setting name (lower-case letters, digits and _, as"
                    + " pg_settings names them, with one dot for an extension's settings)");
        }
        if (OWNED.contains(name)) {
            return Optional.of(name + " is set by raftpool itself (from each node's config and the current"
                    + " primary) and cannot be overridden");
        }
        return Optional.empty();
    }

    /** The settings that apply to {@code nodeId}'s server, by name: its own over the cluster's. */
    public static SortedMap<String, Parameter> effective(ClusterState s, int nodeId) {
        return io.raftpool.api.view.ParameterRows.effective(s, nodeId);
    }

    static Optional<String> validateSet(ClusterState s, SetParameters set) {
        if (set.getChangesCount() == 0) {
            return Optional.of("no setting to change");
        }
        Set<String> seen = new HashSet<>();
        for (ParameterChange c : set.getChangesList()) {
            Optional<String> refusal = nameRefusal(c.getName());
            if (refusal.isPresent()) {
                return refusal;
            }
            if (c.getNodeId() != EVERY_SERVER) {
                Optional<String> node = NodeRefusals.requireBackend(s, c.getNodeId());
                if (node.isPresent()) {
                    return node;
                }
            }
            if (!seen.add(c.getName() + "@" + c.getNodeId())) {
                return Optional.of(c.getName() + " is changed twice in one request");
            }
            if (!c.getReset() && c.getValue().indexOf('\n') >= 0) {
                return Optional.of(c.getName() + ": a value is one line");
            }
            if (c.getReset() && find(s, c.getName(), c.getNodeId()) < 0) {
                return Optional.of(c.getName() + " is not set " + scope(c.getNodeId()) + " by raftpool: nothing"
                        + " to reset");
            }
        }
        return Optional.empty();
    }

    static ClusterState applySet(ClusterState s, SetParameters set, long now) {
        ClusterState.Builder b = s.toBuilder();
        List<String> said = new ArrayList<>();
        for (ParameterChange c : set.getChangesList()) {
            int i = find(b.getParametersList(), c.getName(), c.getNodeId());
            if (c.getReset()) {
                b.removeParameters(i);
                said.add(c.getName() + " reset " + scope(c.getNodeId()));
                continue;
            }
            Parameter p = Parameter.newBuilder().setName(c.getName()).setValue(c.getValue()).setNodeId(c.getNodeId())
                    .setContext(c.getContext()).setSetMs(now).setBy(set.getBy()).build();
            if (i >= 0) {
                b.setParameters(i, p);
            } else {
                b.addParameters(p);
            }
            said.add(c.getName() + "=" + c.getValue() + " " + scope(c.getNodeId())
                    + (needsRestart(c.getContext()) ? " (takes effect at a restart)" : ""));
        }
        b.setParametersVersion(s.getParametersVersion() + 1);
        return withEvent(b, event(now, "parameters", -1, s.getPrimary().getEpoch(), String.join("; ", said)
                + (set.getBy().isBlank() ? "" : " (by " + set.getBy() + ")"))).build();
    }

    static Optional<String> validateReport(ClusterState s, ReportParameters r) {
        return NodeRefusals.requireBackend(s, r.getNodeId());
    }

    /** What the node's agent applied, and what its server says waits for a restart; an event when that changes. */
    static ClusterState applyReport(ClusterState s, ReportParameters r, long now) {
        int i = ClusterStates.indexOfBackend(s, r.getNodeId());
        Backend old = s.getBackends(i);
        List<String> pending = r.getPendingRestartList().stream().sorted().distinct().toList();
        ClusterState.Builder b = s.toBuilder();
        b.setBackends(i, old.toBuilder().setParametersApplied(r.getParametersVersion()).clearPendingRestart()
                .addAllPendingRestart(pending));
        if (pending.equals(old.getPendingRestartList())) {
            return b.build();
        }
        String message = pending.isEmpty() ? "node " + r.getNodeId() + " has no setting pending a restart any more"
                : "node " + r.getNodeId() + " is pending restart for " + String.join(", ", pending)
                + ": run raftpool restart-node " + r.getNodeId() + " (a standby) or raftpool restart --rolling";
        return withEvent(b, event(now, "parameters", r.getNodeId(), s.getPrimary().getEpoch(), message)).build();
    }

    /** "for every server" or "for node N". */
    public static String scope(int nodeId) {
        return nodeId == EVERY_SERVER ? "for every server" : "for node " + nodeId;
    }

    /** pg_settings contexts whose change takes effect only when the server starts. */
    public static boolean needsRestart(String context) {
        return context.equals("postmaster");
    }

    /** The names pending restart on each server, "node 0: shared_buffers" for those that have any. */
    public static String pendingSummary(ClusterState s) {
        return s.getBackendsList().stream().filter(b -> b.getPendingRestartCount() > 0)
                .map(b -> "node " + b.getNodeId() + ": " + String.join(", ", b.getPendingRestartList()))
                .collect(Collectors.joining("; "));
    }

    private static int find(ClusterState s, String name, int nodeId) {
        return find(s.getParametersList(), name, nodeId);
    }

    private static int find(List<Parameter> list, String name, int nodeId) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).getName().equals(name) && list.get(i).getNodeId() == nodeId) {
                return i;
            }
        }
        return -1;
    }

    /** Lower case, as pg_settings names settings (PostgreSQL's own names are case-insensitive). */
    public static String normalName(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
