package io.raftpool.cli;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The order of a rolling restart: every standby first, one at a time; then a switchover to a
 * restarted standby, so the old primary restarts as a standby and clients reconnect once at
 * most. Pure: a plan from a committed state, or why there is none.
 */
final class RollingRestart {
    private RollingRestart() {}

    sealed interface Step {}

    record RestartStandby(int nodeId) implements Step {}

    /** Switch over away from {@code from}, then restart it. */
    record SwitchoverThenRestart(int from) implements Step {}

    record Plan(List<Step> steps, Optional<String> refusal) {
        static Plan refused(String why) {
            return new Plan(List.of(), Optional.of(why));
        }
    }

    /** "restart node 1; restart node 2; switch over away from node 0, then restart it". */
    static String describe(List<Step> steps) {
        return String.join("; ", steps.stream().map(s -> s instanceof RestartStandby r ? "restart node " + r.nodeId()
                : "switch over away from node " + ((SwitchoverThenRestart) s).from() + ", then restart it").toList());
    }

    /** With {@code pendingOnly}, only the servers with a setting pending restart. */
    static Plan plan(ClusterState s, boolean pendingOnly) {
        if (s.getPrimary().getPhase() != PrimaryPhase.ACTIVE) {
            return Plan.refused("no active primary: wait until the failover or switchover under way has finished");
        }
        if (s.getRecoveriesCount() > 0) {
            return Plan.refused("node " + s.getRecoveries(0).getNodeId() + " is being recovered: restart once it is up");
        }
        List<Backend> servers = s.getBackendsList().stream().filter(b -> !b.getDetached())
                .sorted(Comparator.comparingInt(Backend::getNodeId)).toList();
        for (Backend b : servers) {
            if (b.getStatus() != BackendStatus.UP) {
                return Plan.refused("node " + b.getNodeId() + " is not up: a rolling restart needs every server up");
            }
        }
        int primary = s.getPrimary().getNodeId();
        List<Step> steps = new ArrayList<>();
        servers.stream().filter(b -> b.getNodeId() != primary && (!pendingOnly || b.getPendingRestartCount() > 0))
                .forEach(b -> steps.add(new RestartStandby(b.getNodeId())));
        boolean primaryToo = servers.stream().anyMatch(b -> b.getNodeId() == primary
                && (!pendingOnly || b.getPendingRestartCount() > 0));
        if (primaryToo) {
            if (servers.size() < 2) {
                return Plan.refused("the primary has no standby to switch over to: restart it by hand in maintenance"
                        + " mode (raftpool pause)");
            }
            steps.add(new SwitchoverThenRestart(primary));
        }
        if (steps.isEmpty()) {
            return Plan.refused(pendingOnly ? "no server has a setting pending restart: nothing to do"
                    : "no server to restart");
        }
        return new Plan(steps, Optional.empty());
    }
}
