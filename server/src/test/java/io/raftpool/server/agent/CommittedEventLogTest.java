package io.raftpool.server.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import org.junit.jupiter.api.Test;

/** Which committed events an agent logs, and how a line reads. */
class CommittedEventLogTest {
    private static final ClusterState STATE = ClusterState.newBuilder()
            .addEvents(Event.newBuilder().setSeq(3).setAtMs(1000).setKind("leader").setNodeId(2).setEpoch(1)
                    .setMessage("node 2 leads at term 3"))
            .addEvents(Event.newBuilder().setSeq(4).setAtMs(5000).setKind("failover").setNodeId(1).setEpoch(2)
                    .setMessage("node 1 is primary at epoch 2").setDurationMs(812))
            .addEvents(Event.newBuilder().setSeq(5).setAtMs(6000).setKind("vip").setNodeId(-1).setEpoch(2)
                    .setMessage("VIP released"))
            .build();

    @Test
    void onlyEventsAfterTheLastLoggedOneAndSinceTheStartAreNew() {
        assertThat(CommittedEventLog.newEvents(STATE, 3, 0)).extracting(Event::getSeq).containsExactly(4L, 5L);
        assertThat(CommittedEventLog.newEvents(STATE, -1, 5000)).extracting(Event::getSeq).containsExactly(4L, 5L);
        assertThat(CommittedEventLog.newEvents(STATE, 5, 0)).isEmpty();
    }

    @Test
    void aLineNamesTheNodeTheEpochTheReasonAndTheDuration() {
        assertThat(CommittedEventLog.text(STATE.getEvents(1)))
                .isEqualTo("event 4 failover (node 1, epoch 2): node 1 is primary at epoch 2 (took 812 ms)");
        assertThat(CommittedEventLog.text(STATE.getEvents(2))).isEqualTo("event 5 vip (epoch 2): VIP released");
    }
}
