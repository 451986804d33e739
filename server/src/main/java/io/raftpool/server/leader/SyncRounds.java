package io.raftpool.server.leader;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ReplicationSettings;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.ClusterStates;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's sync and quorum rounds: once per health-check period, asks the primary about its
 * replication and returns the next step {@link SyncPolicy} or {@link QuorumPolicy} decides. Keeps
 * the one fact a round needs from the round before: the text the primary showed.
 */
final class SyncRounds {
    private static final Logger LOG = LoggerFactory.getLogger(SyncRounds.class);

    private final ClusterConfig config;
    private final CandidateProber prober;
    private long lastCheckMs;
    private String lastNamesSeen = "";
    private long lastNamesEpoch = -1;

    SyncRounds(ClusterConfig config, CandidateProber prober) {
        this.config = config;
        this.prober = prober;
    }

    /** The command to submit this round (its kind set, the rest to fill in), if any. */
    Optional<Command.Builder> next(ClusterState s, long nowMs) {
        if (!s.getSyncMode() || s.getPrimary().getPhase() != PrimaryPhase.ACTIVE
                || nowMs - lastCheckMs < config.healthCheck().period().toMillis()) {
            return Optional.empty();
        }
        lastCheckMs = nowMs;
        Optional<ReplicationView> replication = prober.replication(s,
                ClusterStates.node(s, s.getPrimary().getNodeId()).orElseThrow(), config.healthCheck().timeout());
        boolean strict = config.replication().syncPolicy() == ReplicationSettings.SyncPolicy.STRICT;
        if (s.getQuorum().getConfigured() > 0) {
            // what this epoch's primary showed in the round before (another primary's text proves nothing)
            String previous = lastNamesEpoch == s.getPrimary().getEpoch() ? lastNamesSeen : "";
            lastNamesSeen = replication.map(ReplicationView::syncStandbyNames).orElse("");
            lastNamesEpoch = s.getPrimary().getEpoch();
            return QuorumPolicy.next(s, replication, strict, previous).map(change -> {
                LOG.info("quorum: {}", change.getReason());
                return Command.newBuilder().setSetQuorum(change);
            });
        }
        return SyncPolicy.next(s, replication.map(ReplicationView::syncStates), strict).map(change -> {
            LOG.info("sync: {}", change.getReason());
            return Command.newBuilder().setSetSyncStandbys(change);
        });
    }
}
