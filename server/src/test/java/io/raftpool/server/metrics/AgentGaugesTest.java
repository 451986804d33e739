package io.raftpool.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.Labels;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.RaftInfo;
import io.raftpool.server.metrics.AgentGauges.Reading;
import io.raftpool.server.state.Transitions;
import io.raftpool.testkit.States;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gauges as a function of the committed state and the agent's own Raft view. */
class AgentGaugesTest {
    private static final RaftInfo LEADER = RaftInfo.newBuilder().setNodeId(2).setRole("LEADER").setTerm(3)
            .setLeaderId(2).setCommitIndex(57).setAppliedIndex(56).setMajorityContactAgeMs(150).build();

    @Test
    void raftRoleIsOneForTheCurrentRoleOnly() {
        List<Reading> r = AgentGauges.of(States.twoPlusOne().build(), LEADER, true);

        assertThat(value(r, "raftpool_agent_raft_role", "role", "leader")).contains(1.0);
        assertThat(value(r, "raftpool_agent_raft_role", "role", "follower")).contains(0.0);
        assertThat(value(r, "raftpool_agent_raft_role", "role", "candidate")).contains(0.0);
        assertThat(value(r, "raftpool_agent_raft_term")).contains(3.0);
        assertThat(value(r, "raftpool_agent_raft_commit_index")).contains(57.0);
        assertThat(value(r, "raftpool_agent_raft_applied_index")).contains(56.0);
        assertThat(value(r, "raftpool_agent_majority_contact_age_seconds")).contains(0.15);
        assertThat(value(r, "raftpool_agent_vip_held")).contains(1.0);
    }

    @Test
    void anAgentThatNeverReachedTheMajorityHasAnInfiniteContactAgeAndNoRole() {
        List<Reading> r = AgentGauges.of(Transitions.empty(), RaftInfo.newBuilder().setMajorityContactAgeMs(-1).build(),
                false);

        assertThat(value(r, "raftpool_agent_majority_contact_age_seconds")).contains(Double.POSITIVE_INFINITY);
        assertThat(r).filteredOn(x -> x.name().equals("raftpool_agent_raft_role")).extracting(Reading::value)
                .containsOnly(0.0);
        assertThat(value(r, "raftpool_agent_primary_node")).contains(-1.0);
        assertThat(r).noneMatch(x -> x.name().startsWith("raftpool_agent_backend_"));
    }

    @Test
    void backendsShowTheirCommittedStatusRoleAndLag() {
        ClusterState s = States.twoPlusOne()
                .backend(0, b -> b.setStatus(BackendStatus.DOWN).setNeedsRecovery(true).setLagBytes(-1))
                .backend(1, b -> b.setLagBytes(4096))
                .build();

        List<Reading> r = AgentGauges.of(s, LEADER, false);

        assertThat(value(r, "raftpool_agent_backend_status", "backend", "0", "status", "down")).contains(1.0);
        assertThat(value(r, "raftpool_agent_backend_status", "backend", "0", "status", "up")).contains(0.0);
        assertThat(value(r, "raftpool_agent_backend_status", "backend", "1", "status", "up")).contains(1.0);
        assertThat(value(r, "raftpool_agent_backend_role", "backend", "1", "role", "standby")).contains(1.0);
        assertThat(value(r, "raftpool_agent_backend_role", "backend", "1", "role", "primary")).contains(0.0);
        assertThat(value(r, "raftpool_agent_backend_needs_recovery", "backend", "0")).contains(1.0);
        assertThat(value(r, "raftpool_agent_backend_replication_lag_bytes", "backend", "1")).contains(4096.0);
        assertThat(value(r, "raftpool_agent_backend_replication_lag_bytes", "backend", "0")).isEmpty();
        assertThat(value(r, "raftpool_agent_epoch")).contains(1.0);
        assertThat(value(r, "raftpool_agent_primary_node")).contains(0.0);
    }

    @Test
    void everyReadingHasHelpAndTheExpositionNamesThem() throws Exception {
        ClusterState s = States.twoPlusOne().backend(1, b -> b.setRole(BackendRole.STANDBY)).build();
        List<Reading> r = AgentGauges.of(s, LEADER, false);

        assertThat(r).extracting(Reading::name).allMatch(AgentGauges.HELP::containsKey);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, AgentGauges.snapshots(r));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("# TYPE raftpool_agent_epoch gauge", "raftpool_agent_epoch 1.0",
                "raftpool_agent_backend_status{backend=\"0\",status=\"up\"} 1.0");
    }

    private static Optional<Double> value(List<Reading> readings, String name, String... labels) {
        Labels wanted = labels.length == 0 ? Labels.EMPTY : Labels.of(labels);
        return readings.stream().filter(r -> r.name().equals(name) && r.labels().equals(wanted))
                .map(Reading::value).findFirst();
    }
}
