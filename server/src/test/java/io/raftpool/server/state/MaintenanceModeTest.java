package io.raftpool.server.state;

import static io.raftpool.testkit.Commands.command;
import static io.raftpool.testkit.States.T0;
import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.proto.SetMaintenance;
import org.junit.jupiter.api.Test;

class MaintenanceModeTest {
    /** When the first command below is issued ({@code command(offset)} issues at T0 + offset). */
    private static final long T = T0;

    static Command pause(long at, long until, String by, String reason) {
        return command(at).setSetMaintenance(SetMaintenance.newBuilder().setPause(true).setUntilMs(until).setBy(by)
                .setReason(reason)).build();
    }

    static Command resume(long at, String by) {
        return command(at).setSetMaintenance(SetMaintenance.newBuilder().setPause(false).setBy(by)).build();
    }

    static Event last(ClusterState s) {
        return s.getEvents(s.getEventsCount() - 1);
    }

    @Test
    void aPauseIsCommittedWithWhoWhyAndUntilWhen() {
        ClusterState s = Transitions.apply(twoPlusOne().build(), pause(0, T + 60_000, "alice@pgsql1", "upgrade"));

        assertThat(s.getMaintenance().getSinceMs()).isEqualTo(T);
        assertThat(s.getMaintenance().getUntilMs()).isEqualTo(T + 60_000);
        assertThat(s.getMaintenance().getBy()).isEqualTo("alice@pgsql1");
        assertThat(s.getMaintenance().getReason()).isEqualTo("upgrade");
        assertThat(last(s).getKind()).isEqualTo("maintenance");
        assertThat(last(s).getMessage()).startsWith("paused by alice@pgsql1 (upgrade), until ")
                .contains("no automatic failover");
        assertThat(MaintenanceMode.pausedAt(s, T + 59_999)).isTrue();
        assertThat(MaintenanceMode.pausedAt(s, T + 60_000)).isFalse();
        assertThat(MaintenanceMode.expiredAt(s, T + 59_999)).isFalse();
        assertThat(MaintenanceMode.expiredAt(s, T + 60_000)).isTrue();
    }

    @Test
    void aPauseWithoutAnEndLastsUntilResumed() {
        ClusterState s = Transitions.apply(twoPlusOne().build(), pause(0, 0, "bob@x", ""));

        assertThat(MaintenanceMode.pausedAt(s, Long.MAX_VALUE)).isTrue();
        assertThat(MaintenanceMode.expiredAt(s, Long.MAX_VALUE)).isFalse();
        assertThat(last(s).getMessage()).isEqualTo("paused by bob@x, until raftpool resume: no automatic failover,"
                + " auto_rejoin or start of a stopped server; fencing goes on");
    }

    @Test
    void pausingAgainChangesTheEndButNotWhenThePauseBegan() {
        ClusterState s = Transitions.apply(twoPlusOne().build(), pause(0, T + 1000, "a@h", "one"));
        s = Transitions.apply(s, pause(500, 0, "b@h", "two"));

        assertThat(s.getMaintenance().getSinceMs()).isEqualTo(T);
        assertThat(s.getMaintenance().getUntilMs()).isZero();
        assertThat(s.getMaintenance().getBy()).isEqualTo("b@h");
        assertThat(last(s).getMessage()).startsWith("pause changed by b@h (two)");
    }

    @Test
    void resumeEndsThePauseAndSaysHowLongItLasted() {
        ClusterState s = Transitions.apply(twoPlusOne().build(), pause(0, 0, "a@h", ""));
        s = Transitions.apply(s, resume(90_000, "c@h"));

        assertThat(s.hasMaintenance()).isFalse();
        assertThat(MaintenanceMode.pausedAt(s, T + 90_000)).isFalse();
        assertThat(last(s).getMessage()).isEqualTo("resumed by c@h after 90 s paused: automatic failover is on again");
    }

    @Test
    void resumingAClusterThatIsNotPausedIsRefusedAndChangesNothing() {
        ClusterState s = twoPlusOne().build();

        assertThat(Transitions.validate(s, resume(0, "c@h"))).contains("the cluster is not paused");
        assertThat(Transitions.apply(s, resume(0, "c@h"))).isEqualTo(s);
    }

    @Test
    void aNegativeEndIsRefused() {
        assertThat(Transitions.validate(twoPlusOne().build(), pause(0, -5, "a@h", "")))
                .hasValueSatisfying(why -> assertThat(why).contains("until_ms -5 is negative"));
    }
}
