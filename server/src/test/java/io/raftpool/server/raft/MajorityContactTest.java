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
