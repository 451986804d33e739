package io.raftpool.api;

import static io.raftpool.api.ScriptedAdmin.Behaviour.ANSWER;
import static io.raftpool.api.ScriptedAdmin.Behaviour.FAIL_PRECONDITION;
import static io.raftpool.api.ScriptedAdmin.Behaviour.HANG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.StateView;
import io.raftpool.proto.WatchRequest;
import io.raftpool.testkit.LoopbackAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against real gRPC servers on loopback ports, and addresses where nothing listens. */
class AdminClientTest {
    /** Short, so that the tests of agents that never answer are quick. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final NodeRequest PROMOTE_1 = NodeRequest.newBuilder().setNodeId(1).build();

    /**
     * The first call in a JVM loads and initialises Netty and gRPC, which on a busy two-core
     * machine can take longer than {@link #TIMEOUT}; make it here, with time to spare.
     */
    @BeforeAll
    static void warmUp() {
        try (LoopbackAgent a = new LoopbackAgent(new ScriptedAdmin("a", ANSWER));
             AdminClient client = AdminClient.connect(List.of(a.address()), Duration.ofSeconds(30))) {
            assertThat(client.getState().getState().getClusterName()).isEqualTo("a");
        }
    }

    @Test
    void readsFromTheFirstAgentThatAnswers() {
        String dead = LoopbackAgent.deadAddress();
        try (LoopbackAgent b = new LoopbackAgent(new ScriptedAdmin("b", ANSWER));
             LoopbackAgent c = new LoopbackAgent(new ScriptedAdmin("c", ANSWER));
             AdminClient client = AdminClient.connect(List.of(dead, b.address(), c.address()), TIMEOUT)) {
            assertThat(client.getState().getState().getClusterName()).isEqualTo("b");
        }
    }

    @Test
    void asksThePreferredAgentFirst() {
        try (LoopbackAgent b = new LoopbackAgent(new ScriptedAdmin("b", ANSWER));
             LoopbackAgent c = new LoopbackAgent(new ScriptedAdmin("c", ANSWER));
             AdminClient client = AdminClient.connect(c.address(), List.of(b.address(), c.address()), TIMEOUT)) {
            assertThat(client.agents()).extracting(AgentAddress::toString).containsExactly(c.address(), b.address());
            assertThat(client.getState().getState().getClusterName()).isEqualTo("c");
        }
    }

    @Test
    void whenNoAgentAnswersTheErrorListsEveryAddressWithItsError() {
        String first = LoopbackAgent.deadAddress();
        String second = LoopbackAgent.deadAddress();
        try (AdminClient client = AdminClient.connect(List.of(first, second), TIMEOUT)) {
            assertThatThrownBy(client::getWatchdogInfo)
                    .isInstanceOf(ClusterUnreachableException.class)
                    .hasMessageContaining(first + ": connection refused")
                    .hasMessageContaining(second + ": connection refused")
                    .hasMessageContaining("check that the agents are running");
        }
    }

    @Test
    void aReadMovesOnFromAnAgentThatDoesNotAnswerInTime() {
        try (LoopbackAgent slow = new LoopbackAgent(new ScriptedAdmin("slow", HANG));
             LoopbackAgent b = new LoopbackAgent(new ScriptedAdmin("b", ANSWER));
             AdminClient client = AdminClient.connect(List.of(slow.address(), b.address()), TIMEOUT)) {
            assertThat(client.getState().getState().getClusterName()).isEqualTo("b");
        }
    }

    @Test
    void anActionMovesOnOnlyFromAgentsThatCannotBeReached() {
        String dead = LoopbackAgent.deadAddress();
        try (LoopbackAgent b = new LoopbackAgent(new ScriptedAdmin("b", ANSWER));
             AdminClient client = AdminClient.connect(List.of(dead, b.address()), TIMEOUT)) {
            assertThat(client.promoteNode(PROMOTE_1).getMessage()).isEqualTo("b promotes node 1");
        }
    }

    @Test
    void anActionWithoutAnAnswerIsNotSentToAnotherAgent() {
        ScriptedAdmin second = new ScriptedAdmin("b", ANSWER);
        try (LoopbackAgent slow = new LoopbackAgent(new ScriptedAdmin("slow", HANG));
             LoopbackAgent b = new LoopbackAgent(second);
             AdminClient client = AdminClient.connect(List.of(slow.address(), b.address()), TIMEOUT)) {
            assertThatThrownBy(() -> client.promoteNode(PROMOTE_1))
                    .isInstanceOf(OutcomeUnknownException.class)
                    .hasMessageContaining("PromoteNode(node 1) was sent to " + slow.address())
                    .hasMessageContaining("no answer within 1s")
                    .hasMessageContaining("may have been carried out");
            assertThat(second.calls).hasValue(0);
        }
    }

    @Test
    void anActionThatAnAgentRejectsIsNotSentToAnotherAgent() {
        ScriptedAdmin second = new ScriptedAdmin("b", ANSWER);
        try (LoopbackAgent refusing = new LoopbackAgent(new ScriptedAdmin("a", FAIL_PRECONDITION));
             LoopbackAgent b = new LoopbackAgent(second);
             AdminClient client = AdminClient.connect(List.of(refusing.address(), b.address()), TIMEOUT)) {
            assertThatThrownBy(() -> client.promoteNode(PROMOTE_1))
                    .isInstanceOf(RequestRejectedException.class)
                    .hasMessage(refusing.address() + " rejected PromoteNode(node 1): FAILED_PRECONDITION:"
                            + " node 9 is not a PostgreSQL server");
            assertThat(second.calls).hasValue(0);
        }
    }

    @Test
    void raftInfoComesFromTheNamedAgentOnly() {
        String dead = LoopbackAgent.deadAddress();
        try (LoopbackAgent b = new LoopbackAgent(new ScriptedAdmin("b", ANSWER));
             AdminClient client = AdminClient.connect(List.of(b.address()), TIMEOUT)) {
            assertThat(client.getRaftInfo(b.address()).getTerm()).isEqualTo(7);
            assertThatThrownBy(() -> client.getRaftInfo(dead))
                    .isInstanceOf(ClusterUnreachableException.class)
                    .hasMessageContaining("tried 1:\n  " + dead + ": connection refused");
        }
    }

    @Test
    void aWatchSkipsAgentsThatFailAndReportsWhyItEnded() {
        String dead = LoopbackAgent.deadAddress();
        List<StateView> views = List.of(ScriptedAdmin.view("c", 1), ScriptedAdmin.view("c", 2));
        Recorder recorder = new Recorder();
        try (LoopbackAgent refusing = new LoopbackAgent(new ScriptedAdmin("b", FAIL_PRECONDITION));
             LoopbackAgent c = new LoopbackAgent(new ScriptedAdmin("c", ANSWER, views));
             AdminClient client = AdminClient.connect(List.of(dead, refusing.address(), c.address()), TIMEOUT);
             StateWatch watch = client.watch(WatchRequest.getDefaultInstance(), recorder)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.closedReason.get() != null);
            assertThat(recorder.views).containsExactly(c.address() + " 1", c.address() + " 2");
            assertThat(recorder.closedReason.get()).isEqualTo(c.address() + ": the agent ended the watch");
            assertThat(watch.isClosed()).isTrue();
        }
    }

    @Test
    void aWatchWithNoAgentToWatchEndsNamingEveryAgent() {
        String first = LoopbackAgent.deadAddress();
        String second = LoopbackAgent.deadAddress();
        Recorder recorder = new Recorder();
        try (AdminClient client = AdminClient.connect(List.of(first, second), TIMEOUT);
             StateWatch watch = client.watch(WatchRequest.getDefaultInstance(), recorder)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.closedReason.get() != null);
            assertThat(watch.isClosed()).isTrue();
            assertThat(recorder.closedReason.get())
                    .contains("no raftpool agent answered WatchState")
                    .contains(first + ": connection refused", second + ": connection refused");
            assertThat(recorder.views).isEmpty();
        }
    }

    @Test
    void closingAWatchCancelsItAtTheAgentWithoutReportingAnEnd() {
        ScriptedAdmin agent = new ScriptedAdmin("a", HANG, List.of(ScriptedAdmin.view("a", 1)));
        Recorder recorder = new Recorder();
        try (LoopbackAgent a = new LoopbackAgent(agent);
             AdminClient client = AdminClient.connect(List.of(a.address()), TIMEOUT)) {
            StateWatch watch = client.watch(WatchRequest.getDefaultInstance(), recorder);
            await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.views.isEmpty());
            watch.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.cancelledWatches.get() == 1);
            assertThat(recorder.closedReason.get()).isNull();
        }
    }

    @Test
    void aRequestThatWaitsForItsOutcomeGetsThatWaitOnTopOfTheCallTimeout() {
        NodeRequest waiting = NodeRequest.newBuilder().setNodeId(1).setWait(true).setTimeoutMs(30_000).build();
        assertThat(AdminClient.deadline(Duration.ofSeconds(5), waiting)).isEqualTo(Duration.ofSeconds(35));
        assertThat(AdminClient.deadline(Duration.ofSeconds(5), PROMOTE_1)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void thePreferredAgentIsAskedOnceEvenWhenListedAgain() {
        assertThat(AdminClient.attemptOrder("h:2", List.of("h:1", "h:2", "h:3"))).containsExactly("h:2", "h:1", "h:3");
    }

    @Test
    void aClientNeedsAtLeastOneAgent() {
        assertThatThrownBy(() -> AdminClient.connect(List.of(), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no agent addresses given");
    }

    private static final class Recorder implements WatchListener {
        final List<String> views = new CopyOnWriteArrayList<>();
        final AtomicReference<String> closedReason = new AtomicReference<>();

        @Override
        public void onView(String address, StateView view) {
            views.add(address + " " + view.getState().getConfigVersion());
        }

        @Override
        public void onClosed(String reason) {
            closedReason.set(reason);
        }
    }
}
