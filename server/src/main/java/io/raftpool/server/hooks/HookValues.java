package io.raftpool.server.hooks;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.server.state.ClusterStates;
import java.util.HashMap;
import java.util.Map;

/** The placeholders a hook can use, filled from the committed state. Pure. */
public final class HookValues {
    private HookValues() {}

    /**
     * Values for a promotion at {@code epoch} of {@code newPrimary} replacing {@code oldPrimary}
     * (-1 when none), seen from node {@code self}.
     */
    public static Map<String, String> of(ClusterState s, int self, int oldPrimary, int newPrimary, long epoch) {
        Map<String, String> v = new HashMap<>();
        v.put("epoch", Long.toString(epoch));
        v.put("old_primary_id", Integer.toString(oldPrimary));
        v.put("failed_node_id", Integer.toString(oldPrimary));
        ClusterStates.node(s, oldPrimary).ifPresent(n -> {
            v.put("failed_host", n.getHost());
            v.put("failed_port", Integer.toString(n.getPgPort()));
            v.put("failed_data_dir", n.getPgDataDir());
        });
        v.put("new_primary_id", Integer.toString(newPrimary));
        ClusterStates.node(s, newPrimary).ifPresent(n -> {
            v.put("new_primary_host", n.getHost());
            v.put("new_primary_port", Integer.toString(n.getPgPort()));
            v.put("new_primary_data_dir", n.getPgDataDir());
        });
        v.put("node_id", Integer.toString(self));
        ClusterStates.node(s, self).ifPresent(n -> {
            v.put("node_host", n.getHost());
            v.put("data_dir", n.getPgDataDir());
        });
        return v;
    }
}
