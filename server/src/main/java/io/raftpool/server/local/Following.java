package io.raftpool.server.local;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.server.hooks.HookRunner;
import io.raftpool.server.hooks.HookValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running standby follows a new primary: its recovery settings name it, and the follow_primary hook runs. */
record Following(OwnServer own, LocalHooks hooks) {
    private static final Logger LOG = LoggerFactory.getLogger(Following.class);

    void follow(ClusterState s, int primaryId) {
        NodeInfo primary = OwnServer.node(s, primaryId);
        boolean hadUpstream = own.pg().standbySource().isPresent();
        LOG.info("following the new primary, node {} ({}:{})", primary.getId(), primary.getHost(), primary.getPgPort());
        own.pg().configureAsStandby(primary.getHost(), primary.getPgPort(), own.slot());
        if (hadUpstream) {
            int old = s.hasOperation() ? s.getOperation().getOldPrimary() : -1;
            hooks.runInBackground(HookRunner.Hook.FOLLOW_PRIMARY,
                    HookValues.of(s, own.id(), old, primaryId, s.getPrimary().getEpoch()));
        }
    }
}
