package io.raftpool.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftpool.proto.AgentStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.WatchdogInfo;
import io.raftpool.testkit.States;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin console without TLS and passwords (security off), driven by the real psql: it
 * declines TLS, answers the shows from what the agent knows, and refuses the rest; and a JDBC
 * client, whose extended-protocol queries are refused while its simple ones are answered.
 */
class AdminConsolePsqlTest {
    private static final Path PSQL = Path.of("/usr/lib/postgresql/15/bin/psql");

    private AdminConsole console;
    private volatile ClusterState state;

    @BeforeEach
    void start() throws Exception {
        state = States.twoPlusOne().build();
        WatchdogInfo info = WatchdogInfo.newBuilder().setAgentsTotal(3).setQuorumSize(2).setQuorumPresent(true)
                .addAgents(AgentStatus.newBuilder().setNodeId(0).setName("pg0").setAddress("127.0.0.1:7410")
                        .setReachable(true).setRaft(RaftInfo.newBuilder().setRole("LEADER").setTerm(4).setLeaderId(0)))
                .build();
        console = AdminConsole.start("127.0.0.1", 0, new AdminConsole.Source() {
            @Override
            public ClusterState state() {
                return state;
            }

            @Override
            public WatchdogInfo watchdogInfo() {
                return info;
            }
        }, Optional.empty(), AdminConsole.Login.OPEN);
    }

    @AfterEach
    void stop() {
        console.close();
    }

    private record Psql(int exit, String output) {}

    private Psql psql(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PSQL.toString(), "-X", "-h", "127.0.0.1", "-p",
                Integer.toString(console.port()), "-U", "anyone", "-d", "raftpool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Psql(p.exitValue(), output);
    }

    @Test
    void withSecurityOffPsqlGetsTheTablesWithoutTlsOrPassword() throws Exception {
        Psql pool = psql("-c", "show pool_nodes");
        assertThat(pool.exit()).as(pool.output()).isZero();
        assertThat(pool.output()).contains("node_id", "replication_state", "(2 rows)");

        Psql watchdog = psql("-A", "-t", "-c", "show watchdog_info");
        assertThat(watchdog.exit()).as(watchdog.output()).isZero();
        assertThat(watchdog.output().strip()).isEqualTo("0|pg0|127.0.0.1:7410|yes|leader|4|0|0|0|yes|none (witness)|");
    }

    @Test
    void aScriptOfQueriesGetsEachAnswerOrError() throws Exception {
        Psql r = psql("-c", "show events", "-c", "select 1", "-c", "SHOW POOL_NODES;");

        assertThat(r.output()).contains("seq", "ERROR:  this is the raftpool admin console, not a database",
                "(2 rows)");
    }

    @Test
    void theExtendedProtocolIsRefusedAndTheSessionGoesOn() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + console.port() + "/raftpool?user=anyone&sslmode=disable"
                // the driver would otherwise SET extra_float_digits after connecting, which the console refuses
                + "&assumeMinServerVersion=9.0";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            // the driver's default: Parse/Bind/Execute/Sync
            assertThatThrownBy(() -> st.executeQuery("show pool_nodes")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("answers simple queries only");
        }
        try (Connection c = DriverManager.getConnection(url + "&preferQueryMode=simple");
             ResultSet rs = c.createStatement().executeQuery("show pool_nodes")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("node_id")).isEqualTo("0");
            assertThat(rs.getString("role")).isEqualTo("primary");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("replication_state")).isEqualTo("streaming");
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void maintenanceIsShownAsOneRow() throws Exception {
        Psql running = psql("-A", "-t", "-c", "show maintenance");
        assertThat(running.exit()).as(running.output()).isZero();
        assertThat(running.output().strip()).isEqualTo("no||||");

        state = state.toBuilder().setMaintenance(io.raftpool.proto.Maintenance.newBuilder().setSinceMs(1_000)
                .setBy("ops@db1").setReason("minor upgrade")).build();
        Psql paused = psql("-A", "-t", "-c", "show maintenance");
        assertThat(paused.output().strip()).startsWith("yes|").endsWith("|resume|ops@db1|minor upgrade");
    }
}
