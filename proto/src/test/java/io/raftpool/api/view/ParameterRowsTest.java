package io.raftpool.api.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.Parameter;
import io.raftpool.testkit.FailoverScenario;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterRowsTest {
    @Test
    void eachServerGetsTheClustersSettingsWithItsOwnOverAndItsPendingRestarts() {
        var state = FailoverScenario.healthy().toBuilder()
                .addParameters(Parameter.newBuilder().setName("work_mem").setValue("64MB").setNodeId(-1).setContext("user"))
                .addParameters(Parameter.newBuilder().setName("work_mem").setValue("8MB").setNodeId(1).setContext("user"))
                .addParameters(Parameter.newBuilder().setName("shared_buffers").setValue("1GB").setNodeId(-1)
                        .setContext("postmaster"))
                .setBackends(1, FailoverScenario.healthy().getBackends(1).toBuilder().addPendingRestart("shared_buffers"))
                .build();

        assertThat(ParameterRows.of(state).rows()).containsExactly(
                List.of("0", "shared_buffers", "1GB", "every server", "postmaster", ""),
                List.of("0", "work_mem", "64MB", "every server", "user", ""),
                List.of("1", "shared_buffers", "1GB", "every server", "postmaster", "yes"),
                List.of("1", "work_mem", "8MB", "this node", "user", ""));
    }
}
