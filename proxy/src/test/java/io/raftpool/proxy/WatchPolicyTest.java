package io.raftpool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WatchPolicyTest {

    private final WatchPolicy policy = new WatchPolicy(Duration.ofSeconds(1));

    @Test
    void asksForTwoHundredMillisecondHeartbeatsUnlessStaleAfterIsShorter() {
        assertThat(policy.heartbeatMs()).isEqualTo(200);
        assertThat(new WatchPolicy(Duration.ofMillis(400)).heartbeatMs()).isEqualTo(100);
        assertThat(new WatchPolicy(Duration.ofMillis(20)).heartbeatMs()).isEqualTo(10);
    }

    @Test
    void abandonsAStreamWithoutAUsableViewForTheBound() {
        assertThat(policy.abandonAfterMs()).isEqualTo(1000);
        assertThat(policy.shouldAbandon(1999, 1000, -1)).isFalse();
        assertThat(policy.shouldAbandon(2000, 1000, -1)).isTrue();
        assertThat(policy.shouldAbandon(2500, 1000, 1600)).isFalse();
        assertThat(policy.shouldAbandon(2600, 1000, 1600)).isTrue();
    }

    @Test
    void aViewIsUsableWhenTakenAndItsAgentIsInTouch() {
        assertThat(policy.usable(true, 0)).isTrue();
        assertThat(policy.usable(true, 999)).isTrue();
        assertThat(policy.usable(true, 1000)).isFalse();
        assertThat(policy.usable(true, -1)).isFalse();
        assertThat(policy.usable(false, 0)).isFalse();
    }

    @Test
    void backoffDoublesUpToOneSecond() {
        assertThat(WatchPolicy.backoffMs(0)).isEqualTo(100);
        assertThat(WatchPolicy.backoffMs(1)).isEqualTo(200);
        assertThat(WatchPolicy.backoffMs(3)).isEqualTo(800);
        assertThat(WatchPolicy.backoffMs(4)).isEqualTo(1000);
        assertThat(WatchPolicy.backoffMs(50)).isEqualTo(1000);
    }
}
