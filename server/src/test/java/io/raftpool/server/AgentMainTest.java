package io.raftpool.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentMainTest {
    @Test
    void aMemberThatDoesNotFollowRestartsItsAgentLessOftenEachTime() {
        assertThat(AgentMain.stuckRestartAfterMs(0)).isEqualTo(20_000);
        assertThat(AgentMain.stuckRestartAfterMs(1)).isEqualTo(60_000);
        assertThat(AgentMain.stuckRestartAfterMs(2)).isEqualTo(180_000);
        assertThat(AgentMain.stuckRestartAfterMs(3)).isEqualTo(540_000);
        assertThat(AgentMain.stuckRestartAfterMs(4)).isEqualTo(600_000);
        assertThat(AgentMain.stuckRestartAfterMs(1000)).isEqualTo(600_000);
    }
}
