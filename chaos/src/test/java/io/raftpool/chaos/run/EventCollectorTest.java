package io.raftpool.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import org.junit.jupiter.api.Test;

class EventCollectorTest {
    private static Primary p(int node, long epoch, PrimaryPhase phase) {
        return Primary.newBuilder().setNodeId(node).setEpoch(epoch).setPhase(phase).build();
    }

    @Test
    void onlyNewerViewsOfThePrimaryAreChanges() {
        Primary active1 = p(0, 1, PrimaryPhase.ACTIVE);
        assertThat(EventCollector.isNews(null, active1)).isTrue();
        assertThat(EventCollector.isNews(active1, active1)).isFalse();
        Primary promoting2 = p(1, 2, PrimaryPhase.PROMOTING);
        assertThat(EventCollector.isNews(active1, promoting2)).isTrue();
        assertThat(EventCollector.isNews(promoting2, p(1, 2, PrimaryPhase.ACTIVE))).isTrue();
        // an agent back from a partition still says epoch 1: not a step back
        assertThat(EventCollector.isNews(p(1, 2, PrimaryPhase.ACTIVE), active1)).isFalse();
        assertThat(EventCollector.isNews(p(1, 2, PrimaryPhase.ACTIVE), promoting2)).isFalse();
        // a failed promotion leaves the epoch without a primary: that is news
        assertThat(EventCollector.isNews(promoting2, p(1, 2, PrimaryPhase.PHASE_NONE))).isTrue();
    }
}
