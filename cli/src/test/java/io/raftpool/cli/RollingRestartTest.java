package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.ParameterChange;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.testkit.States;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollingRestartTest {
    @Test
    void standbysFirstThenASwitchoverAndTheOldPrimary() {
        RollingRestart.Plan plan = RollingRestart.plan(States.cluster(3, 0).build(), false);
        assertThat(plan.refusal()).isEmpty();
        assertThat(plan.steps()).containsExactly(new RollingRestart.RestartStandby(1), new RollingRestart.RestartStandby(2),
                new RollingRestart.SwitchoverThenRestart(0));
        assertThat(RollingRestart.describe(plan.steps())).isEqualTo("restart node 1; restart node 2; switch over away"
                + " from node 0, then restart it");
    }

    @Test
    void pendingOnlyRestartsOnlyThoseWithASettingPendingAndSkipsTheSwitchoverWhenThePrimaryIsNot() {
        ClusterState s = States.cluster(3, 0).backend(2, b -> b.addPendingRestart("shared_buffers")).build();
        assertThat(RollingRestart.plan(s, true).steps()).containsExactly(new RollingRestart.RestartStandby(2));
        assertThat(RollingRestart.plan(States.cluster(3, 0).build(), true).refusal())
                .hasValue("no server has a setting pending restart: nothing to do");
    }

    @Test
    void refusedWhileAServerIsDownOrNoPrimaryIsActive() {
        ClusterState down = States.cluster(3, 0).backend(1, b -> b.setStatus(BackendStatus.DOWN)).build();
        assertThat(RollingRestart.plan(down, false).refusal())
                .hasValue("node 1 is not up: a rolling restart needs every server up");
        ClusterState promoting = States.cluster(3, 0).primary(1, 2, PrimaryPhase.PROMOTING).build();
        assertThat(RollingRestart.plan(promoting, false).refusal()).hasValueSatisfying(m -> m.startsWith("no active primary"));
        ClusterState detachedDown = States.cluster(3, 0).backend(2, b -> b.setStatus(BackendStatus.DOWN).setDetached(true))
                .build();
        assertThat(RollingRestart.plan(detachedDown, false).steps()).hasSize(2);
    }

    @Test
    void aSettingIsNameEqualsValueAndResetTakesNamesOnly() {
        ParameterChange c = SetParameterCommand.change("work_mem=64MB", -1, false);
        assertThat(c.getName()).isEqualTo("work_mem");
        assertThat(c.getValue()).isEqualTo("64MB");
        assertThat(SetParameterCommand.change("search_path=a, b", 1, false).getValue()).isEqualTo("a, b");
        assertThat(SetParameterCommand.change("work_mem", 1, true).getReset()).isTrue();
        for (String bad : List.of("work_mem", "=64MB")) {
            assertThatThrownBy(() -> SetParameterCommand.change(bad, -1, false)).isInstanceOf(CommandFailure.class)
                    .hasMessageContaining("is not NAME=VALUE");
        }
        assertThatThrownBy(() -> SetParameterCommand.change("work_mem=1MB", -1, true)).isInstanceOf(CommandFailure.class)
                .hasMessage("--reset takes setting names, not 'work_mem=1MB': write work_mem");
    }
}
