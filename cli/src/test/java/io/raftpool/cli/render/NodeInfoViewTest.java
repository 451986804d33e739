package io.raftpool.cli.render;

import static io.raftpool.cli.render.PoolNodesViewTest.lines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.testkit.FailoverScenario;
import java.io.IOException;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class NodeInfoViewTest {

    @Test
    void showsTheNodeItsBackendAndEveryObserversLatestView() {
        assertThat(NodeInfoView.text(FailoverScenario.afterFailover(), 0, ZoneOffset.UTC)).isEqualTo(lines(
                "node 0 (pgsql1)",
                "  host         10.0.0.11",
                "  raft_port    7400",
                "  admin_port   7410",
                "  proxy        rw port 9999, ro port 9998",
                "  pg_port      5432",
                "  pg_data_dir  /var/lib/postgresql/15/raftpool",
                "  priority     0",
                "  nofailover   no",
                "",
                "backend",
                "  status              down (needs recovery)",
                "  role                primary (old)",
                "  primary_epoch",
                "  timeline            1",
                "  wal_lsn             0/3000060 (reported 2025-11-26 01:05:03)",
                "  replication_delay   unknown",
                "  replication_state",
                "  sync_state",
                "  last_status_change  2025-11-26 01:05:05",
                "  reason              failed over: unreachable from nodes 1 and 2",
                "  role_changed        2025-11-26 00:05:03",
                "",
                "observations (the latest committed of each agent)",
                "  observer   |   health    |  role   | timeline | streaming |  wal_lsn  | lag_bytes |         at          |       detail",
                "-------------+-------------+---------+----------+-----------+-----------+-----------+---------------------+--------------------",
                " 1 (pgsql2)  | unreachable | primary |        1 | no        | 0/3000060 |           | 2025-11-26 01:05:04 | connection refused",
                " 2 (witness) | unreachable | primary |        1 | no        | 0/3000060 |           | 2025-11-26 01:05:04 | connection refused",
                "(2 rows)"));
    }

    @Test
    void theCurrentPrimaryShowsItsEpoch() {
        assertThat(NodeInfoView.text(FailoverScenario.afterFailover(), 1, ZoneOffset.UTC))
                .contains("\n  role                primary\n")
                .contains("\n  primary_epoch       2 (active)\n");
    }

    @Test
    void aWitnessHasNoPostgresAndNoBackend() throws IOException {
        assertThat(NodeInfoView.text(FailoverScenario.afterFailover(), 2, ZoneOffset.UTC)).isEqualTo(lines(
                "node 2 (witness)",
                "  host        10.0.0.13",
                "  raft_port   7400",
                "  admin_port  7410",
                "  proxy       none",
                "  postgres    none (witness: an agent that only votes and observes)"));
        JsonNode json = new ObjectMapper().readTree(NodeInfoView.json(FailoverScenario.afterFailover(), 2));
        assertThat(json.get("node").get("witness").asBoolean()).isTrue();
        assertThat(json.get("node").get("pg_port").isNull()).isTrue();
        assertThat(json.get("backend").isNull()).isTrue();
        assertThat(json.get("observations")).isEmpty();
    }

    @Test
    void theJsonCarriesTheNodeTheBackendAndTheObservations() throws IOException {
        JsonNode json = new ObjectMapper().readTree(NodeInfoView.json(FailoverScenario.afterFailover(), 0));
        assertThat(json.get("node").get("name").asText()).isEqualTo("pgsql1");
        assertThat(json.get("node").get("pg_data_dir").asText()).isEqualTo("/var/lib/postgresql/15/raftpool");
        assertThat(json.get("backend").get("status").asText()).isEqualTo("down");
        assertThat(json.get("backend").get("needs_recovery").asBoolean()).isTrue();
        assertThat(json.get("primary_epoch").isNull()).isTrue();
        assertThat(json.get("observations")).hasSize(2);
        JsonNode first = json.get("observations").get(0);
        assertThat(first.get("observer_id").asInt()).isEqualTo(1);
        assertThat(first.get("health").asText()).isEqualTo("unreachable");
        assertThat(first.get("detail").asText()).isEqualTo("connection refused");
        assertThat(first.get("at").asText()).isEqualTo("2025-11-26T01:05:04.200Z");
    }
}
