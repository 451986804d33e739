package io.raftpool.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProbeSlotsTest {
    @Test
    void atMostSoManyProbesWaitAtOnce() {
        ProbeSlots slots = new ProbeSlots(3);

        assertThat(slots.start()).isEqualTo(1);
        assertThat(slots.start()).isEqualTo(2);
        assertThat(slots.start()).isEqualTo(3);
        assertThat(slots.start()).as("three wait for their timeout").isEqualTo(-1);
        slots.finish(1);
        assertThat(slots.start()).isEqualTo(4);
    }

    @Test
    void aLateAnswerToAnOlderProbeNeverOverridesANewerOne() {
        ProbeSlots slots = new ProbeSlots(3);
        long slow = slots.start();
        long fast = slots.start();

        assertThat(slots.finish(fast)).isTrue();
        assertThat(slots.finish(slow)).as("started before the one that counted").isFalse();
        assertThat(slots.finish(slots.start())).isTrue();
    }
}
