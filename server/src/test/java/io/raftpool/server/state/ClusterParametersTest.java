package io.raftpool.server.state;

import static io.raftpool.testkit.Commands.command;
import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.ParameterChange;
import io.raftpool.proto.ReportParameters;
import io.raftpool.proto.RequestRestart;
import io.raftpool.proto.RestartDone;
import io.raftpool.proto.SetParameters;
import io.raftpool.testkit.States;
import org.junit.jupiter.api.Test;

class ClusterParametersTest {
    static Command set(long at, String name, String value, int node, String context) {
        return command(at).setSetParameters(SetParameters.newBuilder().setBy("alice@h").addChanges(ParameterChange
                .newBuilder().setName(name).setValue(value).setNodeId(node).setContext(context))).build();
    }

    static Command reset(long at, String name, int node) {
        return command(at).setSetParameters(SetParameters.newBuilder().addChanges(ParameterChange.newBuilder()
                .setName(name).setNodeId(node).setReset(true))).build();
    }

    static String lastEvent(ClusterState s) {
        return s.getEvents(s.getEventsCount() - 1).getMessage();
    }

    @Test
    void aNodesOwnValueWinsOverTheClustersAndResetFallsBack() {
        ClusterState s = Transitions.apply(twoPlusOne().build(), set(0, "work_mem", "64MB", -1, "user"));
        s = Transitions.apply(s, set(1, "work_mem", "128MB", 1, "user"));

        assertThat(ClusterParameters.effective(s, 0).get("work_mem").getValue()).isEqualTo("64MB");
        assertThat(ClusterParameters.effective(s, 1).get("work_mem").getValue()).isEqualTo("128MB");
        assertThat(s.getParametersVersion()).isEqualTo(2);
        assertThat(lastEvent(s)).isEqualTo("work_mem=128MB for node 1 (by alice@h)");

        s = Transitions.apply(s, reset(2, "work_mem", 1));
        assertThat(ClusterParameters.effective(s, 1).get("work_mem").getValue()).isEqualTo("64MB");
        assertThat(s.getParametersVersion()).isEqualTo(3);
    }

    @Test
    void settingsRaftpoolOwnsUnknownNodesAndEmptyResetsAreRefusedAndChangeNothing() {
        ClusterState s = twoPlusOne().build();
        for (Command bad : new Command[] {set(0, "port", "5433", -1, "postmaster"),
                set(0, "primary_conninfo", "host=x", -1, "sighup"), set(0, "synchronous_standby_names", "*", -1, "sighup"),
                set(0, "work_mem", "1MB", 2, "user"), set(0, "work_mem", "1MB", 7, "user"), set(0, "Work Mem", "1", -1, ""),
                reset(0, "work_mem", -1)}) {
            assertThat(Transitions.validate(s, bad)).as(bad.toString()).isPresent();
            assertThat(Transitions.apply(s, bad)).isEqualTo(s);
        }
        assertThat(Transitions.validate(s, set(0, "port", "1", -1, ""))).hasValue("port is set by raftpool itself (from"
                + " each node's config and the current primary) and cannot be overridden");
        assertThat(Transitions.validate(s, set(0, "work_mem", "1MB", 2, ""))).hasValue("node 2 is a witness: it has no"
                + " PostgreSQL server");
    }

    @Test
    void aServersReportSaysWhatIsAppliedAndPendingWithAnEventOnlyWhenPendingChanges() {
        ClusterState s = Transitions.apply(twoPlusOne().build(), set(0, "shared_buffers", "256MB", -1, "postmaster"));
        assertThat(lastEvent(s)).contains("shared_buffers=256MB for every server (takes effect at a restart)");
        int events = s.getEventsCount();
        s = Transitions.apply(s, report(1, 0, 1, "shared_buffers"));
        assertThat(s.getBackends(0).getParametersApplied()).isEqualTo(1);
        assertThat(s.getBackends(0).getPendingRestartList()).containsExactly("shared_buffers");
        assertThat(lastEvent(s)).startsWith("node 0 is pending restart for shared_buffers");
        assertThat(statusOf(s)).isEqualTo("up (pending restart)");
        s = Transitions.apply(s, report(2, 0, 1, "shared_buffers"));
        assertThat(s.getEventsCount()).isEqualTo(events + 1);
        assertThat(ClusterParameters.pendingSummary(s)).isEqualTo("node 0: shared_buffers");
    }

    @Test
    void aRestartIsOneStandbyAtATimeWhileEveryServerIsUp() {
        ClusterState s = twoPlusOne().build();
        assertThat(ServerRestarts.refusal(s, 0)).hasValueSatisfying(m -> m.startsWith("node 0 is the primary"));
        assertThat(ServerRestarts.refusal(s, 2)).hasValue("node 2 is a witness: it has no PostgreSQL server");
        ClusterState down = States.of(s).backend(0, b -> b.setStatus(BackendStatus.DOWN)).build();
        assertThat(ServerRestarts.refusal(down, 1)).hasValue("node 0 is down: restart a server only while every"
                + " server is up");

        ClusterState requested = Transitions.apply(s, restart(0, 1));
        assertThat(requested.getBackends(1).getRestartRequestedMs()).isPositive();
        assertThat(Transitions.validate(requested, restart(1, 1))).hasValueSatisfying(m -> m.contains("under way"));
        assertThat(statusOf(requested, 1)).isEqualTo("up (restarting)");

        long at = requested.getBackends(1).getRestartRequestedMs();
        Command stale = command(2).setRestartDone(RestartDone.newBuilder().setNodeId(1).setRequestedMs(at - 1)).build();
        assertThat(Transitions.validate(requested, stale)).isPresent();
        ClusterState done = Transitions.apply(requested, command(2).setRestartDone(RestartDone.newBuilder().setNodeId(1)
                .setRequestedMs(at).setDurationMs(800).setOutcome("restarted in 800 ms")).build());
        assertThat(done.getBackends(1).getRestartRequestedMs()).isZero();
        assertThat(lastEvent(done)).isEqualTo("node 1: restarted in 800 ms");
    }

    private static Command report(long at, int node, long version, String... pending) {
        return command(at).setReportParameters(ReportParameters.newBuilder().setNodeId(node).setParametersVersion(version)
                .addAllPendingRestart(java.util.List.of(pending))).build();
    }

    private static Command restart(long at, int node) {
        return command(at).setRequestRestart(RequestRestart.newBuilder().setNodeId(node).setBy("bob@h")).build();
    }

    private static String statusOf(ClusterState s) {
        return statusOf(s, 0);
    }

    private static String statusOf(ClusterState s, int node) {
        return io.raftpool.api.view.Cells.statusText(ClusterStates.backend(s, node).orElseThrow());
    }
}
