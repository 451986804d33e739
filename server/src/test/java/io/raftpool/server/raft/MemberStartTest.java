package io.raftpool.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.RaftInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemberStartTest {
    private static final List<Integer> NODES = List.of(0, 1, 2);

    private static RaftInfo waiting(int id) {
        return RaftInfo.newBuilder().setNodeId(id).setRole(MemberStart.WAITING_ROLE).setAppliedIndex(-1).build();
    }

    private static RaftInfo member(int id, String role, long term, long applied, List<Integer> voters, List<Integer> listeners) {
        return RaftInfo.newBuilder().setNodeId(id).setRole(role).setTerm(term).setAppliedIndex(applied)
                .addAllVoters(voters).addAllListeners(listeners).build();
    }

    @Test
    void aMemberWithStorageStartsFromItWhateverTheOthersSay() {
        assertThat(MemberStart.decide(1, true, NODES, Map.of())).isInstanceOf(MemberStart.Recover.class);
        assertThat(MemberStart.decide(0, true, NODES, Map.of(1, member(1, "LEADER", 4, 9, List.of(0, 1, 2), List.of()))))
                .isInstanceOf(MemberStart.Recover.class);
    }

    @Test
    void theLowestIdFormsANewGroupAloneOnceAMajorityAnswersThatNoneExists() {
        assertThat(MemberStart.decide(0, false, NODES, Map.of(1, waiting(1)))).isInstanceOf(MemberStart.FormAlone.class);
        assertThat(MemberStart.decide(0, false, NODES, Map.of(1, waiting(1), 2, waiting(2))))
                .isInstanceOf(MemberStart.FormAlone.class);
    }

    @Test
    void theLowestIdWaitsWhileTooFewAgentsAnswer() {
        MemberStart alone = MemberStart.decide(0, false, NODES, Map.of());
        assertThat(alone).isInstanceOf(MemberStart.Wait.class);
        assertThat(((MemberStart.Wait) alone).why()).contains("majority");
    }

    @Test
    void theOthersNeverFormAGroupTheyWaitForTheLowestId() {
        MemberStart w = MemberStart.decide(2, false, NODES, Map.of(0, waiting(0), 1, waiting(1)));
        assertThat(w).isInstanceOf(MemberStart.Wait.class);
        assertThat(((MemberStart.Wait) w).why()).contains("node 0 forms it");
    }

    @Test
    void anEmptyMemberJoinsTheRunningGroupAsAListener() {
        MemberStart j = MemberStart.decide(2, false, NODES, Map.of(0, member(0, "LEADER", 1, 3, List.of(0), List.of(1)),
                1, waiting(1)));
        assertThat(j).isEqualTo(new MemberStart.Join(List.of(0), List.of(1), false));
    }

    @Test
    void theLeadersAnswerWinsOverAStaleFollowers() {
        MemberStart j = MemberStart.decide(2, false, NODES, Map.of(
                0, member(0, "FOLLOWER", 3, 40, List.of(0, 1), List.of()),
                1, member(1, "LEADER", 3, 41, List.of(0, 1), List.of(2))));
        assertThat(j).isEqualTo(new MemberStart.Join(List.of(0, 1), List.of(2), false));
    }

    @Test
    void anEmptyMemberThatTheGroupCountsAsAVoterWaitsForRebuildMember() {
        // node 0, the lowest id, lost its storage: it must neither form a group nor vote empty
        MemberStart w = MemberStart.decide(0, false, NODES, Map.of(
                1, member(1, "LEADER", 7, 120, List.of(0, 1, 2), List.of()),
                2, member(2, "FOLLOWER", 7, 120, List.of(0, 1, 2), List.of())));
        assertThat(w).isInstanceOf(MemberStart.Wait.class);
        assertThat(((MemberStart.Wait) w).why()).contains("rebuild-member 0");
    }

    @Test
    void evenOneAnswerThatStillCountsItAVoterHoldsItBack() {
        MemberStart w = MemberStart.decide(2, false, NODES, Map.of(
                0, member(0, "LEADER", 7, 121, List.of(0, 1), List.of(2)),
                1, member(1, "FOLLOWER", 7, 119, List.of(0, 1, 2), List.of())));
        assertThat(w).isInstanceOf(MemberStart.Wait.class);
    }
}
