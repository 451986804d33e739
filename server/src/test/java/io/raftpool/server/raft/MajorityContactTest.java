package io.raftpool.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MajorityContactTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private MajorityContact contact(boolean unsafe, CompletableFuture<RaftNode.Beat> reply) {
        return new MajorityContact(() -> reply, nanos::get, 1000, unsafe);
    }

    @Test
    void ageCountsFromTheStartOfTheLastConfirmedBeatMinusTheLeadersOwnAge() {
        MajorityContact c = contact(false, CompletableFuture.completedFuture(new RaftNode.Beat(7, 40)));
        c.beat();
        nanos.addAndGet(2_000_000_000L);
        assertThat(c.ageMs()).isEqualTo(2040);
        assertThat(c.leaderAppliedIndex()).isEqualTo(7);
        assertThat(c.within(1000)).isFalse();
    }

    /**
     * Issue 19: a proxy's freshness is the state's, not the contact's. An agent in contact that
     * has applied only up to index 5 serves a state as old as the latest contact at which the
     * leader had applied no more than 5.
     */
    @Test
    void aStateIsAsFreshAsTheLatestContactItHadCaughtUpWith() {
        AtomicLong leaderApplied = new AtomicLong(5);
        MajorityContact c = new MajorityContact(
                () -> CompletableFuture.completedFuture(new RaftNode.Beat(leaderApplied.get(), 0)), nanos::get, 1000, false);
        c.beat();                                   // at t0 the leader had applied 5
        nanos.addAndGet(1_000_000_000L);
        leaderApplied.set(9);
        c.beat();                                   // at t0+1s it had applied 9
        nanos.addAndGet(500_000_000L);

        assertThat(c.ageMs()).isEqualTo(500);
        assertThat(c.freshAgeMs(9)).as("caught up with the last contact").isEqualTo(500);
        assertThat(c.freshAgeMs(7)).as("behind the last contact: as old as the one before").isEqualTo(1500);
        assertThat(c.freshAgeMs(4)).as("behind every contact known").isEqualTo(-1);
    }

    @Test
    void neverConfirmedIsMinusOneButDecisionsCountFromTheFirstBeat() {
        MajorityContact c = contact(false, new CompletableFuture<>());
        c.beat();
        nanos.addAndGet(300_000_000L);
        assertThat(c.ageMs()).isEqualTo(-1);
        assertThat(c.ageOrSinceFirstBeatMs()).isEqualTo(300);
    }

    @Test
    void theUnsafeSwitchClaimsContactForeverOnceItWasConfirmed() {
        MajorityContact c = contact(true, CompletableFuture.completedFuture(new RaftNode.Beat(1, 0)));
        c.beat();
        nanos.addAndGet(60_000_000_000L);
        assertThat(c.ageMs()).isZero();
        assertThat(c.within(1500)).isTrue();
    }
}
