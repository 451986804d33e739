package io.raftpool.cli.render;

import static io.raftpool.cli.render.PoolNodesViewTest.lines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.proto.VipHolder;
import io.raftpool.proto.WatchdogInfo;
import io.raftpool.testkit.FailoverScenario;
import java.io.IOException;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WatchdogInfoViewTest {

    @Test
    void showsQuorumLeaderVipAndOneRowPerAgent() {
        assertThat(WatchdogInfoView.text(FailoverScenario.watchdogInfo(), ZoneOffset.UTC)).isEqualTo(lines(
                "agents: 3, quorum: present (2 of 3 agents needed)",
                "leader: node 2 (witness), term 3",
                "vip: 10.0.0.100 on node 2 (witness) since 2025-11-26 01:04:03, term 3",
                "",
                " node_id |  name   |    address     | reachable | raft_role | term | leader_id | commit_index | applied_index | follows_leader |        fence        |       error",
                "---------+---------+----------------+-----------+-----------+------+-----------+--------------+---------------+----------------+---------------------+--------------------",
                "       0 | pgsql1  | 10.0.0.11:7410 | no        |           |      |           |              |               |                |                     | connection refused",
                "       1 | pgsql2  | 10.0.0.12:7410 | yes       | follower  |    3 |         2 |           57 |            56 | yes            | armed, 1320 ms left |",
                "       2 | witness | 10.0.0.13:7410 | yes       | leader    |    3 |         2 |           57 |            57 | yes            | none (witness)      |",
                "(3 rows)"));
    }

    @Test
    void withoutQuorumOrLeaderOrVipHolderItSaysSo() {
        WatchdogInfo lost = FailoverScenario.watchdogInfo().toBuilder().setQuorumPresent(false).setLeaderId(-1)
                .setVip(VipHolder.newBuilder().setNodeId(-1)).build();
        assertThat(WatchdogInfoView.text(lost, ZoneOffset.UTC)).startsWith(lines(
                "agents: 3, quorum: ABSENT (2 of 3 agents needed)",
                "leader: none, term 3",
                "vip: 10.0.0.100, held by no agent"));
        WatchdogInfo noVip = lost.toBuilder().setVipAddress("").build();
        assertThat(WatchdogInfoView.vipText(noVip, ZoneOffset.UTC)).isEqualTo("none configured");
    }

    @Test
    void theJsonHasEveryAgentAndNullsForWhatAnUnreachableOneCouldNotSay() throws IOException {
        JsonNode json = new ObjectMapper().readTree(WatchdogInfoView.json(FailoverScenario.watchdogInfo()));
        assertThat(json.get("quorum_present").asBoolean()).isTrue();
        assertThat(json.get("quorum_size").asInt()).isEqualTo(2);
        assertThat(json.get("agents_total").asInt()).isEqualTo(3);
        assertThat(json.get("leader_id").asInt()).isEqualTo(2);
        assertThat(json.get("leader_name").asText()).isEqualTo("witness");
        assertThat(json.get("vip").get("holder_id").asInt()).isEqualTo(2);
        assertThat(json.get("vip").get("address").asText()).isEqualTo("10.0.0.100");
        JsonNode down = json.get("agents").get(0);
        assertThat(down.get("node_id").asInt()).isZero();
        assertThat(down.get("reachable").asBoolean()).isFalse();
        assertThat(down.get("raft_role").isNull()).isTrue();
        assertThat(down.get("error").asText()).isEqualTo("connection refused");
        JsonNode leader = json.get("agents").get(2);
        assertThat(leader.get("raft_role").asText()).isEqualTo("leader");
        assertThat(leader.get("majority_contact_age_ms").asLong()).isEqualTo(40);
        assertThat(leader.get("error").isNull()).isTrue();
        assertThat(leader.get("follows_leader").asBoolean()).isTrue();
        assertThat(down.get("follows_leader").isNull()).isTrue();
    }

    @Test
    void aMemberThatDoesNotFollowTheLeaderSaysHowFarBehindAndSinceWhen() throws IOException {
        WatchdogInfo info = FailoverScenario.watchdogInfo();
        var stuck = info.getAgents(0).toBuilder();
        stuck.getRaftBuilder().setBehindEntries(40).setBehindSinceMs(FailoverScenario.T0)
                .setFollowProblem("40 entries behind, applied index 17 unchanged for 63 s");
        WatchdogInfo withStuck = info.toBuilder().setAgents(0, stuck).build();

        assertThat(WatchdogInfoView.text(withStuck, ZoneOffset.UTC))
                .contains("| NO: 40 entries behind, applied index 17 unchanged for 63 s |");
        JsonNode json = new ObjectMapper().readTree(WatchdogInfoView.json(withStuck)).get("agents").get(1);
        assertThat(json.get("follows_leader").asBoolean()).isFalse();
        assertThat(json.get("behind_entries").asLong()).isEqualTo(40);
        assertThat(json.get("behind_since").asText()).isNotEmpty();
        assertThat(json.get("follow_problem").asText()).startsWith("40 entries behind");
    }
}
