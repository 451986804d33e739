package io.raftpool.server.local;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.SwitchoverDemoted;
import io.raftpool.server.postgres.ControlData;
import io.raftpool.server.postgres.StopMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old primary of a switchover stops cleanly (fast shutdown: sessions are ended, and its WAL
 * senders ship everything up to the shutdown checkpoint before it exits), then tells where its
 * WAL ends. Its data directory is pointed at the new primary, to rejoin as its standby once the
 * promotion is done.
 */
record SwitchoverDemotion(OwnServer own, Reports reports) {
    private static final Logger LOG = LoggerFactory.getLogger(SwitchoverDemotion.class);

    void demote(long epoch) {
        ClusterState s = own.state();
        long started = own.clocks().monoMs();
        own.pg().stop(StopMode.FAST, OwnServer.STOP_TIMEOUT);
        ControlData control = own.pg().controlData();
        if (!control.cleanlyShutDown()) {
            LOG.warn("switchover: this server was not shut down cleanly ({}); the target may miss its last transactions",
                    control.clusterState());
        }
        NodeInfo target = OwnServer.node(s, s.getOperation().getTarget());
        own.pg().configureAsStandby(target.getHost(), target.getPgPort(), own.slot());
        LOG.info("switchover: stopped in {} ms at WAL {}; node {} promotes once it has that much",
                own.clocks().monoMs() - started, control.checkpointLsn(), target.getId());
        reports.submit(Command.newBuilder().setSwitchoverDemoted(SwitchoverDemoted.newBuilder().setEpoch(epoch)
                .setNodeId(own.id()).setFinalLsn(control.checkpointLsn())));
    }
}
