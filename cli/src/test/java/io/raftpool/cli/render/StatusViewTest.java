package io.raftpool.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import io.raftpool.proto.VipHolder;
import io.raftpool.testkit.FailoverScenario;
import java.io.IOException;
import java.time.ZoneOffset;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Quorum;
import org.junit.jupiter.api.Test;

class StatusViewTest {
    private static final long BOUND_MS = 1000;

    @Test
    void theWholeClusterOnOneScreen() {
        String text = StatusView.text(FailoverScenario.view(FailoverScenario.afterFailover()), ZoneOffset.UTC, 2, BOUND_MS);

        assertThat(text).startsWith(String.join("\n",
                "cluster scenario, primary: node 1 (pgsql2), epoch 2, active since 2025-11-26 01:05:07",
                "replication: async (a failover may lose what the promoted standby had not received)",
                "raft: 3 agents, leader node 2 (witness), term 3; agent 2 (witness) answered as leader,"
                        + " in contact with the majority",
                "vip: 10.0.0.100 on node 2 (witness) since 2025-11-26 01:04:03, term 3",
                "",
                " node_id | hostname  | port |        status         |     role      |"));
        assertThat(text).contains("       1 | 10.0.0.12 | 5432 | up                    | primary       |        2 |")
                .contains("\nlatest events:\n")
                .contains("| promoting node 1 (pgsql2): primary node 0 is down |")
                .contains("| node 1 (pgsql2) is primary at epoch 2")
                .doesNotContain("node 2 (witness) is the Raft leader at term 3")
                .doesNotContain("in progress")
                .endsWith("(2 rows)\n");
    }

    @Test
    void quorumModeSaysWhomThePrimaryWaitsForAndHowManyAFailoverMustHear() {
        ClusterState s = FailoverScenario.afterFailover().toBuilder().setSyncMode(true).addSyncStandbys(0)
                .setQuorum(Quorum.newBuilder().setConfigured(1).setDurableCount(1).addWaitFor(0).setWaitCount(1)).build();
        assertThat(SyncSetView.text(s)).isEqualTo("replication: quorum (sync_count 1); the primary waits for ANY 1 of"
                + " node 0 (pgsql1); a failover hears from 1 of node 0 (pgsql1)");
        ClusterState unsettled = s.toBuilder().setQuorum(s.getQuorum().toBuilder().setDurableCount(0)).build();
        assertThat(SyncSetView.text(unsettled)).endsWith("no failover is possible until a standby is synchronous");
        assertThat(SyncSetView.json(unsettled).get("failover_needs").isNull()).isTrue();
        assertThat(SyncSetView.json(s).get("failover_needs").asInt()).isEqualTo(1);
    }

    @Test
    void theViewHoldsNoClockSoAnUnchangedClusterRendersTheSame() {
        StateView earlier = FailoverScenario.view(FailoverScenario.afterFailover());
        StateView later = earlier.toBuilder().setServedAtMs(earlier.getServedAtMs() + 5_000)
                .setRaft(earlier.getRaft().toBuilder().setMajorityContactAgeMs(300).setAppliedIndex(90)).build();

        assertThat(StatusView.text(later, ZoneOffset.UTC, 5, BOUND_MS))
                .isEqualTo(StatusView.text(earlier, ZoneOffset.UTC, 5, BOUND_MS));
        assertThat(Json.writeLine(StatusView.json(later, 5, BOUND_MS)))
                .isEqualTo(Json.writeLine(StatusView.json(earlier, 5, BOUND_MS)));
        assertThat(StatusView.watchHeader(later, ZoneOffset.UTC)).isEqualTo("raftpool status, 2025-11-26 01:05:18\n");
    }

    @Test
    void anAgentCutOffFromTheMajoritySaysSo() {
        StateView view = FailoverScenario.view(FailoverScenario.afterFailover());
        StateView cutOff = view.toBuilder().setRaft(RaftInfo.newBuilder().setNodeId(1).setRole("CANDIDATE").setTerm(4)
                .setLeaderId(-1).setMajorityContactAgeMs(4_200)).build();
        StateView never = view.toBuilder().setRaft(cutOff.getRaft().toBuilder().setMajorityContactAgeMs(-1)).build();

        assertThat(StatusView.text(cutOff, ZoneOffset.UTC, 0, BOUND_MS)).contains("raft: 3 agents, leader none known,"
                + " term 4; agent 1 (pgsql2) answered as candidate, NO CONTACT with the majority for 4.2s\n");
        assertThat(StatusView.text(never, ZoneOffset.UTC, 0, BOUND_MS)).contains("NEVER IN CONTACT with the majority");
        assertThat(StatusView.text(never, ZoneOffset.UTC, 0, BOUND_MS)).doesNotContain("latest events");
    }

    @Test
    void anOperationInProgressAndNoVipHolderAreShown() {
        var state = FailoverScenario.duringRecovery().toBuilder().setVip(VipHolder.newBuilder().setNodeId(-1)).build();

        String text = StatusView.text(FailoverScenario.view(state), ZoneOffset.UTC, 0, BOUND_MS);

        assertThat(text).contains("\nin progress: recovery of node 0 (pgsql1), epoch 2, step rewind since"
                + " 2025-11-26 01:06:03: requested by an operator\n").contains("\nvip: held by no agent\n");
    }

    @Test
    void theJsonCarriesTheSameViewOnOneLine() throws IOException {
        String line = Json.writeLine(StatusView.json(FailoverScenario.view(FailoverScenario.afterFailover()), 2, BOUND_MS));

        assertThat(line).endsWith("}\n").doesNotContain("\n  ");
        assertThat(line.lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("primary").get("epoch").asLong()).isEqualTo(2);
        assertThat(json.get("watchdog").get("leader_id").asInt()).isEqualTo(2);
        assertThat(json.get("watchdog").get("vip").get("holder_name").asText()).isEqualTo("witness");
        assertThat(json.get("served_by").get("majority_contact").asBoolean()).isTrue();
        assertThat(json.get("nodes")).hasSize(2);
        assertThat(json.get("events")).hasSize(2);
        assertThat(json.get("events").get(1).get("duration_ms").asLong()).isEqualTo(1250);
        assertThat(json.get("operation").isNull()).isTrue();
    }
}
