package io.raftpool.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.RaftInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MemberGrowthTest {
    private static final List<Integer> NODES = List.of(0, 1, 2);

    private static RaftInfo info(int id, String role, long applied, List<Integer> voters) {
        return RaftInfo.newBuilder().setNodeId(id).setRole(role).setAppliedIndex(applied).addAllVoters(voters)
                .setJoining(true).build();
    }

    @Test
    void aListenerThatAppliesNothingWhileTheLeaderMovesOnIsTakenOutThenAddedBack() {
        // the leader's view: node 1 stayed at 21 from t=0 while the leader went to 94; node 2 keeps up
        FollowLag stuck = FollowLag.start(0, 21).observe(5_000, 21, 60).observe(12_000, 21, 94);
        FollowLag moving = FollowLag.start(0, 21).observe(12_000, 94, 94);
        Map<Integer, FollowLag> lags = Map.of(1, stuck, 2, moving);

        MemberGrowth.Change out = MemberGrowth.unstick(List.of(0), List.of(1, 2), lags, List.of(), 12_000).orElseThrow();
        assertThat(out.voters()).containsExactly(0);
        assertThat(out.listeners()).containsExactly(2);
        assertThat(out.reason()).contains("[1]", "applied index 21", "73 entries behind for 12 s");
        assertThat(MemberGrowth.unstick(List.of(0), List.of(1, 2), lags, List.of(1), 12_000)).as("spared: resuming")
                .isEmpty();
        assertThat(MemberGrowth.unstick(List.of(0), List.of(1, 2), lags, List.of(), 9_000)).as("not 10 s yet").isEmpty();
        assertThat(MemberGrowth.unstick(List.of(0, 1), List.of(2), lags, List.of(), 12_000)).as("voters are never touched")
                .isEmpty();
        // taken out, it is an arrival again: added back as a listener
        Map<Integer, RaftInfo> answers = Map.of(1, info(1, "LISTENER", 21, List.of(0)), 2, info(2, "LISTENER", 94, List.of(0)));
        assertThat(MemberGrowth.next(NODES, List.of(0), List.of(2), answers, 94, List.of()).orElseThrow().listeners())
                .containsExactly(1, 2);
    }

    @Test
    void aListenerThatDidNotJoinEmptyIsNotLetBackIn() {
        // rebuild-member took node 1 out of the voters; its agent has not reset it yet
        RaftInfo demoted = info(1, "LISTENER", 30, List.of(0, 1, 2)).toBuilder().setJoining(false).build();
        assertThat(MemberGrowth.next(NODES, List.of(0, 2), List.of(1), java.util.Map.of(1, demoted), 30, List.of())).isEmpty();
    }

    @Test
    void aNewGroupGrowsListenersFirstThenAllVotersTogether() {
        Map<Integer, RaftInfo> empty = Map.of(1, info(1, "LISTENER", -1, List.of(0)), 2, info(2, "LISTENER", -1, List.of(0)));
        MemberGrowth.Change first = MemberGrowth.next(NODES, List.of(0), List.of(), empty, 3, List.of()).orElseThrow();
        assertThat(first.voters()).containsExactly(0);
        assertThat(first.listeners()).containsExactly(1, 2);

        Map<Integer, RaftInfo> caughtUp = Map.of(1, info(1, "LISTENER", 9, List.of(0)), 2, info(2, "LISTENER", 8, List.of(0)));
        MemberGrowth.Change out = MemberGrowth.next(NODES, List.of(0), List.of(1, 2), caughtUp, 9, List.of()).orElseThrow();
        assertThat(out.voters()).containsExactly(0);
        assertThat(out.listeners()).as("taken out, not made voters in place").isEmpty();
        assertThat(out.promoting()).containsExactly(1, 2);

        MemberGrowth.Change back = MemberGrowth.next(NODES, List.of(0), List.of(), caughtUp, 9, out.promoting()).orElseThrow();
        assertThat(back.voters()).containsExactly(0, 1, 2);
        assertThat(back.listeners()).isEmpty();
        assertThat(back.promoting()).isEmpty();
    }

    @Test
    void aListenerIsNeverMadeAVoterInPlace() {
        // Ratis marks a follower caught up only when it is staged in as a voter: a listener made a
        // voter in place is told it is initializing for as long as that leader lives
        Map<Integer, RaftInfo> caughtUp = Map.of(2, info(2, "LISTENER", 30, List.of(0, 1)));
        MemberGrowth.Change out = MemberGrowth.next(NODES, List.of(0, 1), List.of(2), caughtUp, 30, List.of()).orElseThrow();
        assertThat(out.voters()).containsExactly(0, 1);
        assertThat(out.listeners()).isEmpty();
        assertThat(out.reason()).contains("[2]", "taken out as listeners, to be added back as voters next");
    }

    @Test
    void aMemberTakenOutThatNoLongerAnswersComesBackAsAListenerOnly() {
        Map<Integer, RaftInfo> onlyOne = Map.of(1, info(1, "LISTENER", 9, List.of(0)));
        MemberGrowth.Change c = MemberGrowth.next(NODES, List.of(0), List.of(), onlyOne, 9, List.of(1, 2)).orElseThrow();
        assertThat(c.voters()).as("never two voters while a third is on its way").containsExactly(0);
        assertThat(c.listeners()).containsExactly(1);
        assertThat(c.reason()).contains("node(s) [2] no longer answer");
        assertThat(c.promoting()).isEmpty();
    }

    @Test
    void aNewLeaderThatDoesNotKnowOfThePromotionAddsTheMembersBackAsListeners() {
        Map<Integer, RaftInfo> caughtUp = Map.of(1, info(1, "LISTENER", 9, List.of(0)), 2, info(2, "LISTENER", 9, List.of(0)));
        MemberGrowth.Change c = MemberGrowth.next(NODES, List.of(0), List.of(), caughtUp, 9, List.of()).orElseThrow();
        assertThat(c.voters()).containsExactly(0);
        assertThat(c.listeners()).containsExactly(1, 2);
    }

    @Test
    void neverTwoVotersWhileAnotherWantedNodeIsOnItsWay() {
        Map<Integer, RaftInfo> oneCaughtUp = Map.of(1, info(1, "LISTENER", 0, List.of(0)), 2, info(2, "LISTENER", 30, List.of(0)));
        assertThat(MemberGrowth.next(NODES, List.of(0), List.of(1, 2), oneCaughtUp, 30, List.of())).isEmpty();
        assertThat(MemberGrowth.next(NODES, List.of(0), List.of(2), Map.of(2, info(2, "LISTENER", 30, List.of(0))), 30, List.of()))
                .as("node 1 not even started").isEmpty();
    }

    @Test
    void aRebuiltMemberBecomesAVoterOnlyOnceItHasCaughtUp() {
        Map<Integer, RaftInfo> behind = Map.of(2, info(2, "LISTENER", 4, List.of(0, 1)));
        assertThat(MemberGrowth.next(NODES, List.of(0, 1), List.of(2), behind, 30, List.of())).isEmpty();

        Map<Integer, RaftInfo> caughtUp = Map.of(2, info(2, "LISTENER", 30, List.of(0, 1)));
        MemberGrowth.Change out = MemberGrowth.next(NODES, List.of(0, 1), List.of(2), caughtUp, 30, List.of()).orElseThrow();
        MemberGrowth.Change c = MemberGrowth.next(NODES, List.of(0, 1), out.listeners(), caughtUp, 30, out.promoting())
                .orElseThrow();
        assertThat(c.voters()).containsExactly(0, 1, 2);
        assertThat(c.listeners()).isEmpty();
    }

    @Test
    void anAgentThatDoesNotAnswerOrStillWaitsIsNotAdded() {
        assertThat(MemberGrowth.next(NODES, List.of(0, 1), List.of(), Map.of(), 30, List.of())).isEmpty();
        assertThat(MemberGrowth.next(NODES, List.of(0, 1), List.of(),
                Map.of(2, info(2, MemberStart.WAITING_ROLE, -1, List.of())), 30, List.of())).isEmpty();
    }

    @Test
    void nodesOutsideTheCommittedStateAreLeftAlone() {
        Map<Integer, RaftInfo> answers = Map.of(3, info(3, "LISTENER", 50, List.of(0, 1, 2)));
        assertThat(MemberGrowth.next(NODES, NODES, List.of(3), answers, 50, List.of())).isEmpty();
        assertThat(MemberGrowth.next(List.of(), List.of(0), List.of(), Map.of(1, info(1, "LISTENER", -1, List.of(0))), 0, List.of()))
                .as("before init nothing is wanted").isEmpty();
    }

    /**
     * Whatever the answers, a change (and the add-back that follows a promotion) removes no voter,
     * never makes a voter of one behind the leader or in place, and never leaves two voters while a
     * third is wanted.
     */
    @Property
    void aChangeNeverCountsAnEmptyOrLaggingMember(@ForAll @IntRange(min = -1, max = 40) int applied1,
                                                 @ForAll @IntRange(min = -1, max = 40) int applied2,
                                                 @ForAll @IntRange(min = 0, max = 40) int leaderApplied,
                                                 @ForAll boolean oneIsListener, @ForAll boolean twoIsListener,
                                                 @ForAll boolean oneAnswers, @ForAll boolean twoAnswers,
                                                 @ForAll boolean twoGoneBeforeTheAddBack) {
        List<Integer> listeners = new java.util.ArrayList<>();
        if (oneIsListener) {
            listeners.add(1);
        }
        if (twoIsListener) {
            listeners.add(2);
        }
        Map<Integer, RaftInfo> answers = new HashMap<>();
        if (oneAnswers) {
            answers.put(1, info(1, "LISTENER", applied1, List.of(0)));
        }
        if (twoAnswers) {
            answers.put(2, info(2, "LISTENER", applied2, List.of(0)));
        }
        Optional<MemberGrowth.Change> c = MemberGrowth.next(NODES, List.of(0), listeners, answers, leaderApplied, List.of());
        if (c.isEmpty()) {
            return;
        }
        assertThat(c.get().voters()).as("no voter is made in place").containsExactly(0);
        for (int l : listeners) {
            assertThat(c.get().listeners().contains(l) || c.get().promoting().contains(l)).as("nobody is dropped").isTrue();
        }
        if (c.get().promoting().isEmpty()) {
            return;
        }
        Map<Integer, RaftInfo> later = new HashMap<>(answers);
        if (twoGoneBeforeTheAddBack) {
            later.remove(2);
        }
        MemberGrowth.Change back = MemberGrowth.next(NODES, c.get().voters(), c.get().listeners(), later, leaderApplied,
                c.get().promoting()).orElseThrow();
        assertThat(back.voters()).contains(0);
        assertThat(back.voters().size()).as("never a group of two voters").isNotEqualTo(2);
        for (int v : back.voters().stream().filter(v -> v != 0).toList()) {
            assertThat(listeners).as("a voter is made only of a listener").contains(v);
            long applied = answers.get(v).getAppliedIndex();
            assertThat(applied).isGreaterThanOrEqualTo(Math.max(0, leaderApplied - MemberGrowth.CAUGHT_UP_SLACK));
        }
        for (int l : c.get().promoting()) {
            assertThat(back.voters().contains(l) || back.listeners().contains(l) || !later.containsKey(l))
                    .as("a member taken out comes back unless it stopped answering").isTrue();
        }
    }
}
