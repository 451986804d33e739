package io.raftpool.server.metrics;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.RaftInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's gauges, computed when scraped as a pure function of the committed state and what
 * this agent knows of itself (its Raft view, whether it holds the VIP). Names and meanings are
 * documented in docs/metrics.md; the {@code backend} label is the node id of a PostgreSQL server.
 */
public final class AgentGauges {
    /** One value of one gauge. */
    public record Reading(String name, Labels labels, double value) {}

    static final List<String> RAFT_ROLES = List.of("leader", "follower", "candidate", "listener");
    static final List<BackendStatus> STATUSES = List.of(BackendStatus.UP, BackendStatus.DOWN, BackendStatus.RECOVERING,
            BackendStatus.STATUS_UNKNOWN);
    static final List<BackendRole> ROLES = List.of(BackendRole.PRIMARY, BackendRole.STANDBY, BackendRole.ROLE_UNKNOWN);

    /** Every gauge, in the order it is exposed, with its help text. */
    static final Map<String, String> HELP = help();

    private static Map<String, String> help() {
        Map<String, String> help = new LinkedHashMap<>();
        help.put("raftpool_agent_raft_role", "1 for this agent's current Raft role, 0 for the others, by role");
        help.put("raftpool_agent_raft_term", "this agent's current Raft term");
        help.put("raftpool_agent_raft_commit_index", "the last Raft log index this agent knows to be committed");
        help.put("raftpool_agent_raft_applied_index", "the last Raft log index this agent applied to its cluster state");
        help.put("raftpool_agent_raft_behind_entries",
                "entries the leader applied that this agent has not, while its applied index does not move; 0 when it follows");
        help.put("raftpool_agent_majority_contact_age_seconds",
                "time since this agent last confirmed contact with a Raft majority; +Inf when never");
        help.put("raftpool_agent_fence_watchdog_running",
                "1 when this node's watchdog process runs (it kills PostgreSQL when the lease runs out); absent on a witness");
        help.put("raftpool_agent_fence_armed", "1 when the watchdog guards this node's PostgreSQL (a primary); absent on a witness");
        help.put("raftpool_agent_fence_lease_left_seconds",
                "time left before the watchdog kills this node's PostgreSQL unless the agent renews the lease; 0 when disarmed");
        help.put("raftpool_agent_fence_killed_processes",
                "PostgreSQL processes the watchdog killed since it started (it fired when this grows)");
        help.put("raftpool_agent_epoch", "the committed primary epoch (the fencing token, +1 at every promotion)");
        help.put("raftpool_agent_primary_node", "node id of the committed primary (promoting or active); -1 when none");
        help.put("raftpool_agent_vip_held", "1 when this agent has the virtual IP up, else 0");
        help.put("raftpool_agent_backend_status", "1 for each PostgreSQL server's committed status, 0 for the others");
        help.put("raftpool_agent_backend_role", "1 for each PostgreSQL server's committed role, 0 for the others");
        help.put("raftpool_agent_backend_needs_recovery",
                "1 when a server diverged (a failed-over primary) and must be rebuilt with recovery-node");
        help.put("raftpool_agent_backend_replication_lag_bytes",
                "committed replication lag of each server behind the primary; absent when unknown");
        return Collections.unmodifiableMap(help);
    }

    private AgentGauges() {}

    public static List<Reading> of(ClusterState state, RaftInfo raft, boolean vipHeld) {
        List<Reading> out = new ArrayList<>();
        String role = raft.getRole().toLowerCase(Locale.ROOT);
        for (String r : RAFT_ROLES) {
            out.add(new Reading("raftpool_agent_raft_role", Labels.of("role", r), r.equals(role) ? 1 : 0));
        }
        out.add(new Reading("raftpool_agent_raft_term", Labels.EMPTY, raft.getTerm()));
        out.add(new Reading("raftpool_agent_raft_commit_index", Labels.EMPTY, raft.getCommitIndex()));
        out.add(new Reading("raftpool_agent_raft_applied_index", Labels.EMPTY, raft.getAppliedIndex()));
        out.add(new Reading("raftpool_agent_raft_behind_entries", Labels.EMPTY, raft.getBehindEntries()));
        long contact = raft.getMajorityContactAgeMs();
        out.add(new Reading("raftpool_agent_majority_contact_age_seconds", Labels.EMPTY,
                contact < 0 ? Double.POSITIVE_INFINITY : contact / 1000.0));
        if (raft.hasFence()) {
            out.add(new Reading("raftpool_agent_fence_watchdog_running", Labels.EMPTY, raft.getFence().getRunning() ? 1 : 0));
            out.add(new Reading("raftpool_agent_fence_armed", Labels.EMPTY, raft.getFence().getArmed() ? 1 : 0));
            out.add(new Reading("raftpool_agent_fence_lease_left_seconds", Labels.EMPTY,
                    raft.getFence().getLeaseLeftMs() / 1000.0));
            out.add(new Reading("raftpool_agent_fence_killed_processes", Labels.EMPTY, raft.getFence().getKilled()));
        }
        out.add(new Reading("raftpool_agent_epoch", Labels.EMPTY, state.getPrimary().getEpoch()));
        boolean primary = state.hasPrimary() && state.getPrimary().getNodeId() >= 0
                && state.getPrimary().getPhase() != PrimaryPhase.PHASE_NONE;
        out.add(new Reading("raftpool_agent_primary_node", Labels.EMPTY, primary ? state.getPrimary().getNodeId() : -1));
        out.add(new Reading("raftpool_agent_vip_held", Labels.EMPTY, vipHeld ? 1 : 0));
        for (Backend b : state.getBackendsList()) {
            String id = Integer.toString(b.getNodeId());
            for (BackendStatus s : STATUSES) {
                out.add(new Reading("raftpool_agent_backend_status", Labels.of("backend", id, "status", statusName(s)),
                        b.getStatus() == s ? 1 : 0));
            }
            for (BackendRole r : ROLES) {
                out.add(new Reading("raftpool_agent_backend_role", Labels.of("backend", id, "role", roleName(r)),
                        b.getRole() == r ? 1 : 0));
            }
            out.add(new Reading("raftpool_agent_backend_needs_recovery", Labels.of("backend", id),
                    b.getNeedsRecovery() ? 1 : 0));
            if (b.getLagBytes() >= 0) {
                out.add(new Reading("raftpool_agent_backend_replication_lag_bytes", Labels.of("backend", id),
                        b.getLagBytes()));
            }
        }
        return out;
    }

    /** The readings as Prometheus snapshots, one gauge per name, in {@link #HELP} order. */
    static MetricSnapshots snapshots(List<Reading> readings) {
        List<MetricSnapshot> gauges = new ArrayList<>();
        for (Map.Entry<String, String> gauge : HELP.entrySet()) {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(gauge.getKey()).help(gauge.getValue());
            boolean any = false;
            for (Reading r : readings) {
                if (r.name().equals(gauge.getKey())) {
                    b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(r.labels()).value(r.value()).build());
                    any = true;
                }
            }
            if (any) {
                gauges.add(b.build());
            }
        }
        return new MetricSnapshots(gauges);
    }

    static String statusName(BackendStatus s) {
        return s == BackendStatus.STATUS_UNKNOWN ? "unknown" : s.name().toLowerCase(Locale.ROOT);
    }

    static String roleName(BackendRole r) {
        return r == BackendRole.ROLE_UNKNOWN ? "unknown" : r.name().toLowerCase(Locale.ROOT);
    }
}
