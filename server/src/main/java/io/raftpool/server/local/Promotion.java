package io.raftpool.server.local;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.PromotionDone;
import io.raftpool.server.postgres.ArchiveGaps;
import io.raftpool.proto.PromotionFailed;
import io.raftpool.server.hooks.HookRunner;
import io.raftpool.server.hooks.HookValues;
import io.raftpool.server.postgres.ProbeResult;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes this server when the committed state names it the new primary (failover, or
 * switchover once it holds all the old primary's WAL): the before_promote hook, pg_promote, the
 * settings and slots of a primary, and promotion_done or promotion_failed committed.
 */
record Promotion(OwnServer own, LocalMemory memory, Reports reports, LocalHooks hooks, SyncStandbyNames sync,
                 PeerSlots slots) {
    private static final Logger LOG = LoggerFactory.getLogger(Promotion.class);

    void promote(ClusterState s, long epoch) {
        int oldPrimary = s.hasOperation() ? s.getOperation().getOldPrimary() : -1;
        Map<String, String> hookValues = HookValues.of(s, own.id(), oldPrimary, own.id(), epoch);
        Optional<HookRunner.Outcome> before = hooks.runNow(HookRunner.Hook.BEFORE_PROMOTE, hookValues);
        if (before.isPresent() && !before.get().succeeded() && own.config().hooks().beforePromoteMustSucceed()) {
            failed(epoch, before.get().describe() + " (hooks.before_promote_must_succeed is on)");
            return;
        }
        LOG.info("promoting this server at epoch {}", epoch);
        Duration took;
        int timeline;
        try {
            took = own.pg().promote(own.config().failover().promoteTimeout());
            sync.afterPromotion(s);
            timeline = own.pg().timeline(own.config().healthCheck().timeout());
        } catch (RuntimeException e) {
            failed(epoch, e.getMessage());
            return;
        }
        reports.submit(Command.newBuilder().setPromotionDone(PromotionDone.newBuilder().setEpoch(epoch)
                .setNodeId(own.id()).setTimeline(timeline).setPromoteMs(took.toMillis())));
        LOG.info("promoted at epoch {} in {} ms, timeline {}", epoch, took.toMillis(), timeline);
        slots.ensure(s);
        if (own.pg().settings().archive().enabled()) {
            ArchiveGaps.fill(own.pg().settings(), own.pg().os(), timeline);
            completeForkSegment();
        }
        hooks.runInBackground(HookRunner.Hook.AFTER_FAILOVER, hookValues);
    }

    /**
     * Ends the WAL segment that holds the fork, so that it reaches the archive now: until it does,
     * a server restored from an older backup cannot cross this timeline switch from the archive
     * (the old timeline's copy of that segment exists only as a .partial file), nor stream across
     * it when another switch came in the same segment.
     */
    private void completeForkSegment() {
        try (java.sql.Connection c = own.pg().connect(own.config().healthCheck().timeout());
             java.sql.Statement st = c.createStatement()) {
            st.execute("SELECT pg_switch_wal()");
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.warn("could not end the WAL segment of the timeline switch (it reaches the archive when it fills): {}",
                    e.getMessage());
        }
    }

    /** Switchover target: promotes once it has received the WAL up to where the old primary stopped. */
    void promoteWhenCaughtUp(ClusterState s, long epoch, long finalLsn) {
        ProbeResult now = own.probe();
        if (now.reachable() && now.inRecovery() && now.walLsn() >= finalLsn) {
            LOG.info("switchover: received WAL up to {} (old primary stopped at {}); promoting", now.walLsn(), finalLsn);
            promote(s, epoch);
        }
    }

    void failed(long epoch, String why) {
        LOG.warn("promotion at epoch {} failed: {}", epoch, why);
        reports.submit(Command.newBuilder().setPromotionFailed(PromotionFailed.newBuilder().setEpoch(epoch)
                .setNodeId(own.id()).setReason(why)));
        memory.backOff(own.clocks().monoMs());
    }
}
