package io.raftpool.server.leader;

import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Health;
import io.raftpool.proto.MarkBackend;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.testkit.States;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which backends the leader marks up or down. Two+one cluster: node 0 the active primary, node
 * 1 a streaming standby, node 2 the witness; every agent alive and seeing everything healthy
 * unless a case says otherwise.
 */
class StatusPolicyTest {
    static final long NOW = 100_000;
    static final long AGENT_TIMEOUT = 750;

    /** Every listed agent heard 100 ms ago; every other one of nodes 0..3 last heard 10 s ago (dead). */
    static Liveness alive(Integer... ids) {
        Map<Integer, Long> heard = new HashMap<>();
        for (int id = 0; id < 4; id++) {
            heard.put(id, NOW - 10_000);
        }
        for (int id : ids) {
            heard.put(id, NOW - 100);
        }
        return new Liveness(heard, NOW, AGENT_TIMEOUT);
    }

    static ClusterState unreachableBy(ClusterState s, int subject, int... observers) {
        ClusterState out = s;
        for (int o : observers) {
            out = States.of(out).observed(o, subject, Health.UNREACHABLE, BackendRole.ROLE_UNKNOWN, false,
                    "connection refused").build();
        }
        return out;
    }

    static ClusterState ownSees(ClusterState s, int node, Health h, BackendRole role, boolean streaming) {
        return States.of(s).observed(node, node, h, role, streaming,
                h == Health.NOT_RUNNING ? "postmaster is not running" : "own").build();
    }

    static ClusterState standbyDown(ClusterState s) {
        return States.of(s).backend(1, b -> b.setStatus(BackendStatus.DOWN)).build();
    }

    static Stream<Arguments> situations() {
        ClusterState ok = twoPlusOne().build();
        return Stream.of(
                Arguments.of("everything healthy", ok, alive(0, 1, 2), List.of()),
                // down: certain evidence
                Arguments.of("standby's own agent sees no postmaster",
                        ownSees(ok, 1, Health.NOT_RUNNING, BackendRole.ROLE_UNKNOWN, false), alive(0, 1, 2),
                        List.of("1 DOWN")),
                Arguments.of("a dead own agent's old 'no postmaster' is not evidence",
                        ownSees(ok, 1, Health.NOT_RUNNING, BackendRole.ROLE_UNKNOWN, false), alive(0, 2), List.of()),
                // down: corroborated evidence
                Arguments.of("two live agents cannot reach it and its own agent is silent",
                        unreachableBy(ok, 1, 0, 2), alive(0, 2), List.of("1 DOWN")),
                Arguments.of("two live agents cannot reach it and its own agent agrees",
                        unreachableBy(ok, 1, 0, 1, 2), alive(0, 1, 2), List.of("1 DOWN")),
                Arguments.of("one other agent and the own agent cannot reach it",
                        unreachableBy(ok, 1, 1, 2), alive(0, 1, 2), List.of("1 DOWN")),
                Arguments.of("two agents cannot reach it but its own live agent sees it healthy (two-signal rule)",
                        unreachableBy(ok, 1, 0, 2), alive(0, 1, 2), List.of()),
                Arguments.of("only one agent cannot reach it",
                        unreachableBy(ok, 1, 2), alive(0, 2), List.of()),
                Arguments.of("the second report is from a dead agent",
                        unreachableBy(ok, 1, 0, 2), alive(0), List.of()),
                Arguments.of("a standby already down is not marked again",
                        standbyDown(unreachableBy(ok, 1, 0, 2)), alive(0, 2), List.of()),
                Arguments.of("a standby being rebuilt is left to the recovery",
                        States.of(unreachableBy(ok, 1, 0, 2)).backend(1, b -> b.setStatus(BackendStatus.RECOVERING)).build(),
                        alive(0, 2), List.of()),
                // the primary: failover's decision
                Arguments.of("the active primary is not marked down here",
                        ownSees(ok, 0, Health.NOT_RUNNING, BackendRole.ROLE_UNKNOWN, false), alive(0, 1, 2), List.of()),
                Arguments.of("the promoting target is not marked down here",
                        ownSees(States.of(ok).primary(1, 2, PrimaryPhase.PROMOTING).build(), 1, Health.NOT_RUNNING,
                                BackendRole.ROLE_UNKNOWN, false), alive(0, 1, 2), List.of()),
                Arguments.of("with no primary, the failed target can be marked down",
                        ownSees(States.of(ok).primary(1, 2, PrimaryPhase.PHASE_NONE).build(), 1, Health.NOT_RUNNING,
                                BackendRole.ROLE_UNKNOWN, false), alive(0, 1, 2), List.of("1 DOWN")),
                // up
                Arguments.of("a down standby streaming again is marked up",
                        standbyDown(ok), alive(0, 1, 2), List.of("1 UP")),
                Arguments.of("a never-seen standby streaming is marked up",
                        States.of(ok).backend(1, b -> b.setStatus(BackendStatus.STATUS_UNKNOWN)).build(), alive(0, 1, 2),
                        List.of("1 UP")),
                Arguments.of("a down standby running but not streaming stays down",
                        ownSees(standbyDown(ok), 1, Health.HEALTHY, BackendRole.STANDBY, false), alive(0, 1, 2),
                        List.of()),
                Arguments.of("a down standby that needs recovery stays down",
                        States.of(standbyDown(ok)).backend(1, b -> b.setNeedsRecovery(true)).build(), alive(0, 1, 2), List.of()),
                Arguments.of("a down standby whose agent is dead stays down",
                        standbyDown(ok), alive(0, 2), List.of()),
                Arguments.of("a down standby running as a primary stays down",
                        ownSees(standbyDown(ok), 1, Health.HEALTHY, BackendRole.PRIMARY, false), alive(0, 1, 2),
                        List.of()),
                Arguments.of("a standby being rebuilt is not marked up by its streaming",
                        States.of(ok).backend(1, b -> b.setStatus(BackendStatus.RECOVERING)).build(), alive(0, 1, 2), List.of()),
                Arguments.of("up-marking needs the own agent: others seeing it stream are not enough",
                        States.of(standbyDown(ok)).observed(1, 1, Health.UNREACHABLE, BackendRole.ROLE_UNKNOWN, false, "x").build(),
                        alive(0, 1, 2), List.of()),
                Arguments.of("a down active primary running as primary is marked up",
                        States.of(ok).backend(0, b -> b.setStatus(BackendStatus.DOWN)).build(), alive(0, 1, 2), List.of("0 UP")),
                Arguments.of("a down active primary running as a standby stays down",
                        ownSees(States.of(ok).backend(0, b -> b.setStatus(BackendStatus.DOWN)).build(), 0, Health.HEALTHY,
                                BackendRole.STANDBY, true), alive(0, 1, 2), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("situations")
    void marksFollowTheEvidence(String name, ClusterState state, Liveness liveness, List<String> expected) {
        List<MarkBackend> marks = StatusPolicy.decide(state, liveness);

        assertThat(marks).extracting(m -> m.getNodeId() + " " + m.getStatus()).containsExactlyElementsOf(expected);
        assertThat(marks).allSatisfy(m -> {
            assertThat(m.getReason()).isNotBlank();
            assertThat(m.getRole()).isEqualTo(BackendRole.ROLE_UNKNOWN);
        });
    }

    @Test
    void certainEvidenceQuotesTheOwnAgent() {
        ClusterState s = ownSees(twoPlusOne().build(), 1, Health.NOT_RUNNING, BackendRole.ROLE_UNKNOWN, false);

        assertThat(StatusPolicy.downEvidence(s, 1, alive(0, 1, 2)))
                .contains("its agent sees no PostgreSQL process (postmaster is not running)");
    }

    @Test
    void corroboratedEvidenceNamesEveryLiveAgentAndASilentOwnAgent() {
        ClusterState s = unreachableBy(twoPlusOne().build(), 1, 0, 2);

        assertThat(StatusPolicy.downEvidence(s, 1, alive(0, 2))).hasValueSatisfying(why -> assertThat(why)
                .isEqualTo("2 agents cannot reach it (agent 0: connection refused; agent 2: connection refused);"
                        + " its own agent is silent"));
    }

    @Test
    void anAgentHeardExactlyAtTheTimeoutStillCounts() {
        Liveness edge = new Liveness(Map.of(0, NOW - AGENT_TIMEOUT, 2, NOW - AGENT_TIMEOUT - 1), NOW, AGENT_TIMEOUT);

        assertThat(edge.alive(0)).isTrue();
        assertThat(edge.alive(2)).isFalse();
        assertThat(edge.alive(7)).as("never heard").isFalse();
        assertThat(edge.lastHeard(7)).isEmpty();
    }

    @Test
    void reportsByEveryAgentOfADeadServerWithAllAgentsAliveMarkItDown() {
        ClusterState s = twoPlusOne().everyoneSees(1, Health.UNREACHABLE, "timeout after 1000ms").build();

        assertThat(StatusPolicy.decide(s, alive(0, 1, 2))).singleElement().satisfies(m -> {
            assertThat(m.getNodeId()).isEqualTo(1);
            assertThat(m.getReason()).startsWith("3 agents cannot reach it");
        });
    }

    @Test
    void aStateWithMoreStandbysIsJudgedPerServer() {
        ClusterState s = States.of(unreachableBy(States.cluster(3, 1).build(), 2, 0, 1, 3))
                .backend(1, b -> b.setStatus(BackendStatus.DOWN)).build();

        assertThat(StatusPolicy.decide(s, alive(0, 1, 3))).extracting(m -> m.getNodeId() + " " + m.getStatus())
                .containsExactly("1 UP", "2 DOWN");
    }
}
