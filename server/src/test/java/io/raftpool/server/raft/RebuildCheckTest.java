package io.raftpool.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.RaftInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebuildCheckTest {
    private static RaftInfo following(int id, String role) {
        return RaftInfo.newBuilder().setNodeId(id).setRole(role).build();
    }

    private static RaftInfo stuck(int id) {
        return RaftInfo.newBuilder().setNodeId(id).setRole("FOLLOWER").setBehindEntries(40).build();
    }

    @Test
    void aStuckMemberOfThreeIsTakenOutWhenTheOtherTwoFollow() {
        assertThat(RebuildCheck.refusal(2, 0, List.of(0, 1, 2), Map.of(0, following(0, "LEADER"), 1, following(1, "FOLLOWER"),
                2, stuck(2)))).isEmpty();
    }

    @Test
    void aMemberWhoseAgentIsGoneCanBeRebuiltToo() {
        assertThat(RebuildCheck.refusal(1, 0, List.of(0, 1, 2), Map.of(0, following(0, "LEADER"), 2, following(2, "FOLLOWER"))))
                .isEmpty();
    }

    @Test
    void theLeaderIsRefused() {
        assertThat(RebuildCheck.refusal(0, 0, List.of(0, 1, 2), Map.of())).get().asString().contains("is the Raft leader");
    }

    @Test
    void refusedWhenTheRestWouldHoldNoFollowingMajority() {
        String why = RebuildCheck.refusal(2, 0, List.of(0, 1, 2), Map.of(0, following(0, "LEADER"), 1, stuck(1))).orElseThrow();
        assertThat(why).contains("only [0] follow").contains("bring back [1]");
        assertThat(why).as("says why node 1 does not count").contains("node 1: ");
        assertThat(RebuildCheck.refusal(2, 0, List.of(0, 1, 2), Map.of(0, following(0, "LEADER")))).get().asString()
                .contains("node 1's agent did not answer");
        assertThat(RebuildCheck.refusal(2, 0, List.of(0, 1, 2), Map.of(0, following(0, "LEADER"), 1,
                following(1, "CANDIDATE")))).get().asString().contains("node 1 is CANDIDATE");
    }

    @Test
    void noLeaderNoRebuild() {
        assertThat(RebuildCheck.refusal(2, -1, List.of(0, 1, 2), Map.of())).get().asString().contains("no Raft leader");
    }

    @Test
    void aListenerAlreadyOutOfTheVotersNeedsNoMajorityCheck() {
        assertThat(RebuildCheck.refusal(2, 0, List.of(0, 1), Map.of(0, following(0, "LEADER")))).isEmpty();
    }
}
