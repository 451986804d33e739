package io.raftpool.server.agent;

import io.raftpool.proto.RaftInfo;
import io.raftpool.server.raft.FollowLag;
import io.raftpool.server.raft.MajorityContact;
import io.raftpool.server.raft.RaftNode;
import io.raftpool.server.time.Clocks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches whether this member applies what the leader has applied. One that does not is
 * reported (watchdog-info, the metric, a log line a minute), and once it has been stuck for
 * {@code restartAfterMs} its agent restarts in the same process with the same Raft storage: a
 * Raft server wedged in a role change or a dead stream comes back as a process restart would
 * bring it. Its storage is never touched: only an operator's rebuild-member may replace it (S7).
 * Its own judgement is {@link FollowLag}'s.
 */
final class FollowWatch {
    private static final Logger LOG = LoggerFactory.getLogger(FollowWatch.class);
    /** How often a member that does not follow the leader says so in the log. */
    private static final long LAG_LOG_EVERY_MS = 60_000;

    private final int self;
    private final RaftNode raft;
    private final MajorityContact contact;
    private final Clocks clocks;
    private volatile FollowLag followLag;
    private long lagLoggedMs = Long.MIN_VALUE;
    private volatile long restartAfterMs = Long.MAX_VALUE;
    private volatile Runnable restart = () -> { };
    private boolean restarted;

    FollowWatch(int self, RaftNode raft, MajorityContact contact, Clocks clocks) {
        this.self = self;
        this.raft = raft;
        this.contact = contact;
        this.clocks = clocks;
    }

    /** Restart the agent (same storage) once this member has not followed for {@code afterMs}. */
    void restartWhenStuck(long afterMs, Runnable action) {
        this.restartAfterMs = afterMs;
        this.restart = action;
    }

    /** One look, every second. */
    void check() {
        long now = clocks.monoMs();
        long applied;
        boolean follower;
        try {
            var info = raft.info();
            applied = info.getLastAppliedIndex();
            // a listener counts once it has applied something: one waiting for add-node is sent nothing
            follower = info.isFollower() || info.isListener() && applied > 0;
        } catch (RuntimeException e) {
            return; // the agent's check that Raft is alive deals with a server that is gone
        }
        long leaderApplied = follower && contact.within(5_000) ? contact.leaderAppliedIndex() : -1;
        FollowLag lag = followLag == null ? FollowLag.start(now, applied) : followLag.observe(now, applied, leaderApplied);
        followLag = lag;
        if (lag.notFollowing(now) && now - lagLoggedMs >= LAG_LOG_EVERY_MS) {
            lagLoggedMs = now;
            LOG.error("this member does not follow the leader: applied index {} for {} s while the leader answers at"
                    + " applied index {}; the cluster goes on with the others; if it persists, run `raftpool"
                    + " rebuild-member {}` (see README, what to do when)", applied, lag.stuckForMs(now) / 1000,
                    leaderApplied, self);
        }
        if (!restarted && lag.stuckForMs(now) >= restartAfterMs) {
            restarted = true;
            LOG.error("this member has not applied anything for {} s while the leader is {} entries ahead: the agent"
                    + " restarts its raft member (same raft storage, nothing is deleted)", lag.stuckForMs(now) / 1000,
                    lag.entriesBehind());
            restart.run();
        }
    }

    /** This member's Raft view, with how far behind it is when it does not follow. */
    RaftInfo raftInfo() {
        RaftInfo info = raft.raftInfo(contact.ageMs());
        FollowLag lag = followLag;
        long now = clocks.monoMs();
        if (lag == null || !lag.notFollowing(now)) {
            return info;
        }
        return info.toBuilder().setBehindEntries(lag.entriesBehind())
                .setBehindSinceMs(clocks.wallMs() - lag.stuckForMs(now))
                .setFollowProblem(lag.entriesBehind() + " entries behind, applied index " + lag.lastApplied()
                        + " unchanged for " + lag.stuckForMs(now) / 1000 + " s")
                .build();
    }
}
