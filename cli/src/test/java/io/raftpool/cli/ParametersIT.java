package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.harness.LocalCluster;
import io.raftpool.harness.SharedCluster;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.server.postgres.StopMode;
import io.raftpool.server.state.ClusterStates;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Settings kept in the Raft log (issue 15, part 3), as an operator runs them: set-parameter,
 * show-parameters, restart-node and restart --rolling against real servers and agents.
 */
class ParametersIT {
    @RegisterExtension
    static final SharedCluster SHARED = SharedCluster.withProxies();

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSettingIsCheckedByPostgresThenAppliedByEveryServerWithoutARestart() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        Path cwd = cluster.dir();
        String config = cluster.configPath().toString();

        CliRun.Result set = CliRun.run(cwd, "--config", config, "set-parameter", "work_mem=64MB", "statement_timeout=30s");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("work_mem=64MB, statement_timeout=30s for every server: applied (reloaded) on"
                + " node(s) [0, 1]");
        assertThat(show(cluster, 0, "work_mem")).isEqualTo("64MB");
        assertThat(show(cluster, 1, "statement_timeout")).isEqualTo("30s");

        CliRun.Result mine = CliRun.run(cwd, "--config", config, "set-parameter", "--node", "1", "work_mem=8MB");
        assertThat(mine.exitCode()).as(mine.err()).isZero();
        assertThat(show(cluster, 1, "work_mem")).isEqualTo("8MB");
        assertThat(show(cluster, 0, "work_mem")).isEqualTo("64MB");

        long version = cluster.awaitState("settings committed", BUDGET, st -> true).getParametersVersion();
        assertRefused(cwd, config, "unknown setting 'wrok_mem': PostgreSQL on node 0 has no such setting",
                "set-parameter", "wrok_mem=1MB");
        assertRefused(cwd, config, "work_mem: '64XB' is not a valid value; allowed: an integer from 64 to 2147483647 kB",
                "set-parameter", "work_mem=64XB");
        assertRefused(cwd, config, "port is set by raftpool itself", "set-parameter", "port=6543");
        assertRefused(cwd, config, "block_size is fixed when PostgreSQL is built", "set-parameter", "block_size=4096");
        // one bad setting among good ones: nothing is committed
        assertRefused(cwd, config, "is not a valid value", "set-parameter", "work_mem=2MB", "jit=perhaps");
        assertThat(cluster.awaitState("settings unchanged", BUDGET, st -> true).getParametersVersion()).isEqualTo(version);
        assertThat(show(cluster, 0, "work_mem")).isEqualTo("64MB");

        JsonNode shown = JSON.readTree(run(cwd, "--config", config, "show-parameters", "--json"));
        assertThat(shown.get("version").asLong()).isEqualTo(version);
        assertThat(shown.get("settings").findValuesAsText("source")).contains("cluster", "node");
        assertThat(shown.get("servers").get(1).get("applied_version").asLong()).isEqualTo(version);

        CliRun.Result reset = CliRun.run(cwd, "--config", config, "set-parameter", "--reset", "work_mem",
                "statement_timeout");
        assertThat(reset.exitCode()).as(reset.err()).isZero();
        assertThat(run(cwd, "--config", config, "set-parameter", "--reset", "--node", "1", "work_mem")).contains("applied");
        assertThat(show(cluster, 1, "work_mem")).isEqualTo("4MB");
        assertThat(show(cluster, 0, "statement_timeout")).isEqualTo("0");
    }

    @Test
    void aSettingThatNeedsARestartIsPendingUntilARollingRestartWhichSwitchesOverOnce() throws Exception {
        LocalCluster cluster = SHARED.cluster();
        cluster.awaitHealthy(START);
        Path cwd = cluster.dir();
        String config = cluster.configPath().toString();
        long epoch = cluster.awaitHealthy(START).getPrimary().getEpoch();

        String set = run(cwd, "--config", config, "set-parameter", "max_connections=150");
        assertThat(set).contains("pending restart on node 0: max_connections; node 1: max_connections");
        assertThat(show(cluster, 0, "max_connections")).isEqualTo("100");
        assertThat(run(cwd, "--config", config, "pool-nodes")).contains("up (pending restart)");

        assertRefused(cwd, config, "node 0 is the primary: restarting it in place would stop every write",
                "restart-node", "0");
        assertThat(run(cwd, "--config", config, "restart-node", "1")).contains("node 1: restarted in");
        assertThat(show(cluster, 1, "max_connections")).isEqualTo("150");
        cluster.awaitState("node 1 no longer pending", BUDGET,
                st -> ClusterStates.backend(st, 1).orElseThrow().getPendingRestartCount() == 0);

        String rolling = run(cwd, "--config", config, "restart", "--rolling", "--pending-only");
        assertThat(rolling).contains("restart --rolling: switch over away from node 0, then restart it")
                .contains("restart --rolling: done");
        ClusterState s = cluster.awaitState("no server pending a restart", BUDGET, st -> ClusterStates.backend(st, 0)
                .orElseThrow().getPendingRestartCount() == 0 && st.getPrimary().getNodeId() == 1);
        assertThat(s.getPrimary().getEpoch()).as("one switchover").isEqualTo(epoch + 1);
        assertThat(show(cluster, 0, "max_connections")).isEqualTo("150");
        assertThat(show(cluster, 1, "max_connections")).isEqualTo("150");
        assertRefused(cwd, config, "no server has a setting pending restart: nothing to do", "restart", "--rolling",
                "--pending-only");

        // a restart while another server is down is refused, and nothing is restarted
        cluster.postgres(0).stop(StopMode.IMMEDIATE, BUDGET);
        cluster.awaitState("node 0 down", BUDGET,
                st -> ClusterStates.backend(st, 0).orElseThrow().getStatus() == BackendStatus.DOWN);
        assertRefused(cwd, config, "node 0 is down: restart a server only while every server is up", "restart-node", "0");
        assertRefused(cwd, config, "node 0 is not up: a rolling restart needs every server up", "restart", "--rolling");
        cluster.postgres(0).start(BUDGET);
        cluster.awaitHealthy(BUDGET);
        assertThat(run(cwd, "--config", config, "set-parameter", "--reset", "max_connections")).contains("applied");
    }

    private static void assertRefused(Path cwd, String config, String why, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config;
        System.arraycopy(args, 0, all, 2, args.length);
        CliRun.Result r = CliRun.run(cwd, all);
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains(why);
    }

    private static String run(Path cwd, String... args) {
        CliRun.Result r = CliRun.run(cwd, args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }

    private static String show(LocalCluster cluster, int node, String setting) throws SQLException {
        return Sql.query(cluster, node, "show " + setting);
    }
}
