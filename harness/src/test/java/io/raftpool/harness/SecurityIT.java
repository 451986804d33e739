package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.raftpool.api.AdminClient;
import io.raftpool.api.AdminCredentials;
import io.raftpool.api.ClusterUnreachableException;
import io.raftpool.api.RequestRejectedException;
import io.raftpool.api.TlsIdentity;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.WatchdogInfo;
import io.raftpool.server.security.CertificateAuthority;
import io.raftpool.server.state.ClusterStates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster with TLS and token authentication on, as production runs (issue 6): real agents
 * over mutual TLS (admin API and Raft), proxies that watch with their token, the admin console
 * under psql; and no secret of the config in any log of the whole run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {
    private static final Duration CALL = Duration.ofSeconds(5);
    private static final Path PSQL = Path.of("/usr/lib/postgresql/15/bin/psql");

    private LocalCluster cluster;
    private String replicationPassword;
    private Path ca;

    @BeforeAll
    void startSecuredCluster(@TempDir Path secrets) throws IOException {
        replicationPassword = random();
        Path passwordFile = secrets.resolve("replication.password");
        Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, replicationPassword + "\n");
        cluster = LocalCluster.start(LocalCluster.options().secured().proxies(true).adminConsoles()
                .set("replication", "password_file", passwordFile.toString())
                // PostgreSQL logs every statement and connection: a secret sent to it would show
                .set("postgres", "parameters", Map.of("log_statement", "all", "log_connections", "on")));
        ca = cluster.config().security().caFile().orElseThrow();
        cluster.awaitHealthy(Duration.ofSeconds(240));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private AdminClient client(AdminCredentials credentials) {
        return AdminClient.connect(addresses(), CALL, credentials);
    }

    private List<String> addresses() {
        return cluster.config().nodes().stream().map(NodeConfig::adminAddress).toList();
    }

    private AdminCredentials tls() {
        return AdminCredentials.tls(ca, "the CA");
    }

    @Test
    @Order(1)
    void aCallWithoutATokenIsRefusedAsUnauthenticated() {
        try (AdminClient anonymous = client(tls())) {
            assertThatThrownBy(anonymous::getState)
                    .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
                        assertThat(e.failures()).singleElement()
                                .satisfies(f -> assertThat(f.code()).isEqualTo(Status.Code.UNAUTHENTICATED));
                        assertThat(e.getMessage()).contains("GetState needs a token of role read",
                                "authorization: Bearer <token>");
                    });
        }
    }

    @Test
    @Order(2)
    void aWrongTokenIsRefusedAsUnauthenticatedWithoutEchoingIt() {
        String wrong = random();
        try (AdminClient impostor = client(tls().withToken(wrong))) {
            assertThatThrownBy(() -> impostor.detachNode(NodeRequest.newBuilder().setNodeId(1).build()))
                    .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
                        assertThat(e.failures()).singleElement()
                                .satisfies(f -> assertThat(f.code()).isEqualTo(Status.Code.UNAUTHENTICATED));
                        assertThat(e.getMessage()).contains("the token matches none of security.tokens")
                                .doesNotContain(wrong);
                    });
        }
    }

    @Test
    @Order(3)
    void aReadTokenReadsButIsDeniedAnAdminCommand() {
        try (AdminClient reader = client(tls().withToken(cluster.token("read")))) {
            assertThat(reader.getState().getState().getBackendsCount()).isEqualTo(2);
            assertThatThrownBy(() -> reader.detachNode(NodeRequest.newBuilder().setNodeId(1).build()))
                    .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
                        assertThat(e.failures()).singleElement()
                                .satisfies(f -> assertThat(f.code()).isEqualTo(Status.Code.PERMISSION_DENIED));
                        assertThat(e.getMessage()).contains("DetachNode needs role admin; token 'read' has role read");
                    });
        }
        assertThat(backend(1).getDetached()).isFalse();
    }

    @Test
    @Order(4)
    void theAdminTokenRunsAnAdminCommand() {
        try (AdminClient admin = client(tls().withToken(cluster.token("admin")))) {
            ActionReply detached = admin.detachNode(NodeRequest.newBuilder().setNodeId(1).build());
            assertThat(detached.getAccepted()).as(detached.getMessage()).isTrue();
            // committed; the agent the harness asks may apply it a moment later
            cluster.awaitState("node 1 detached", Duration.ofSeconds(30),
                    s -> ClusterStates.backend(s, 1).orElseThrow().getDetached());

            ActionReply attached = admin.attachNode(NodeRequest.newBuilder().setNodeId(1).build());
            assertThat(attached.getAccepted()).as(attached.getMessage()).isTrue();
            cluster.awaitState("node 1 attached again", Duration.ofSeconds(30),
                    s -> !ClusterStates.backend(s, 1).orElseThrow().getDetached());
        }
    }

    @Test
    @Order(5)
    void anAgentShowsItsCertificateInsteadOfAToken() {
        NodeConfig witness = cluster.config().requireNode(2);
        TlsIdentity agent = TlsIdentity.read(cluster.config().security().keyFile(witness).orElseThrow(), "key",
                cluster.config().security().certFile(witness).orElseThrow(), "certificate");
        try (AdminClient peer = client(tls().withIdentity(agent))) {
            assertThat(peer.getState().getState().getBackendsCount()).isEqualTo(2);
        }
        // every agent asks the others over mutual TLS: all of them answer
        await("every agent reachable from the one asked").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            WatchdogInfo info = cluster.admin().getWatchdogInfo();
            assertThat(info.getAgentsList()).allSatisfy(a -> assertThat(a.getReachable()).as(a.getError()).isTrue());
            assertThat(info.getQuorumPresent()).isTrue();
        });
    }

    @Test
    @Order(6)
    void aPlaintextClientIsRefused() {
        try (AdminClient plaintext = client(AdminCredentials.plaintext())) {
            assertThatThrownBy(plaintext::getState).isInstanceOf(ClusterUnreachableException.class)
                    .hasMessageContaining("UNAVAILABLE");
        }
    }

    @Test
    @Order(7)
    void aClientThatTrustsAnotherCaIsRefused(@TempDir Path other) {
        CertificateAuthority stranger = new CertificateAuthority(other);
        stranger.create(List.of());
        try (AdminClient client = client(AdminCredentials.tls(stranger.caCertificate(), "the other CA")
                .withToken(cluster.token("admin")))) {
            assertThatThrownBy(client::getState).isInstanceOf(ClusterUnreachableException.class);
        }
    }

    @Test
    @Order(8)
    void theProxiesWatchTheStateWithTheirToken() throws Exception {
        int rw = cluster.config().requireNode(1).proxy().orElseThrow().rwPort();
        // a proxy in doubt drops the connection (S1): such a try is simply repeated
        String url = "jdbc:postgresql://127.0.0.1:" + rw + "/postgres?user=postgres&connectTimeout=5";
        await("a write through node 1's read-write proxy").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> {
                    try (Connection c = DriverManager.getConnection(url);
                         ResultSet rs = c.createStatement().executeQuery("select not pg_is_in_recovery()")) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getBoolean(1)).isTrue();
                    }
                });
    }

    @Test
    @Order(9)
    void psqlShowsPoolNodesOnTheAdminConsole() throws Exception {
        NodeConfig node = cluster.config().requireNode(1);
        Psql result = psql(node, "sslmode=verify-full sslrootcert=" + ca, cluster.token("read"), "show pool_nodes");

        assertThat(result.exit()).as(result.output()).isZero();
        List<String> lines = result.output().lines().toList();
        assertThat(lines.get(0)).contains("node_id", "hostname", "port", "status", "role", "replication_state");
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("\\s*0\\s+\\| 127\\.0\\.0\\.1 .*\\| up .*\\| primary .*"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("\\s*1\\s+\\| 127\\.0\\.0\\.1 .*\\| up .*\\| standby .*streaming.*"));
        assertThat(lines).contains("(2 rows)");
    }

    @Test
    @Order(10)
    void theAdminConsoleAnswersTheOtherShowsAndRefusesTheRest() throws Exception {
        NodeConfig node = cluster.config().requireNode(0);
        String token = cluster.token("read");

        Psql watchdog = psql(node, "sslmode=require", token, "SHOW watchdog_info;");
        assertThat(watchdog.exit()).as(watchdog.output()).isZero();
        assertThat(watchdog.output()).contains("raft_role", "leader", "(3 rows)");

        Psql events = psql(node, "sslmode=require", token, "show events");
        assertThat(events.exit()).as(events.output()).isZero();
        assertThat(events.output()).contains("seq", "kind", "message", "detach");

        Psql write = psql(node, "sslmode=require", token, "delete from pool_nodes");
        assertThat(write.exit()).isNotZero();
        assertThat(write.output()).contains("the raftpool admin console is read-only");

        Psql select = psql(node, "sslmode=require", token, "select 1");
        assertThat(select.output()).contains("not a database", "show pool_nodes, show watchdog_info, show events");
    }

    @Test
    @Order(11)
    void theAdminConsoleWantsTlsAndAToken() throws Exception {
        NodeConfig node = cluster.config().requireNode(0);

        Psql cleartext = psql(node, "sslmode=disable", cluster.token("read"), "show pool_nodes");
        assertThat(cleartext.exit()).isNotZero();
        assertThat(cleartext.output()).contains("requires TLS when security.auth is on");

        String wrong = random();
        Psql wrongPassword = psql(node, "sslmode=require", wrong, "show pool_nodes");
        assertThat(wrongPassword.exit()).isNotZero();
        assertThat(wrongPassword.output()).contains("password authentication failed").doesNotContain(wrong);
    }

    @Test
    @Order(12)
    void theNamespaceRelayReadsTheConfigAndItsSecurity() throws Exception {
        List<String> command = ManagedProcess.javaCommand(AdminRelay.class.getName(),
                List.of("--config", cluster.configPath().toString()), "96m", false);
        Process relay = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(relay.getInputStream(),
                StandardCharsets.UTF_8)); var out = relay.getOutputStream()) {
            // its first calls may miss their 800 ms while the relay's JVM warms up and shakes hands: ask again
            await("the relay's answer to a state request").atMost(Duration.ofSeconds(60)).until(() -> {
                out.write("1 state\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                String answer;
                do {
                    answer = in.readLine();
                } while (answer != null && !answer.startsWith(AdminRelay.MARK + " 1 "));
                assertThat(answer).as("the relay is still running").isNotNull();
                return answer.startsWith(AdminRelay.MARK + " 1 ok ");
            });
        } finally {
            relay.destroy();
            relay.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Last: every log the run wrote (agents, proxies, PostgreSQL), and the committed state, hold no secret. */
    @Test
    @Order(100)
    void noSecretOfTheConfigReachesALogOrTheState() throws IOException {
        Map<String, String> secrets = new HashMap<>();
        for (String name : List.of("admin", "read", "proxy")) {
            secrets.put("token " + name, cluster.token(name));
        }
        secrets.put("replication password", replicationPassword);
        List<Path> logs;
        try (Stream<Path> files = Files.walk(cluster.dir())) {
            logs = files.filter(p -> p.getFileName().toString().endsWith(".log") && Files.isRegularFile(p)).toList();
        }
        // the agents', the proxies' and both PostgreSQL servers' logs, and they are not empty
        assertThat(logs).hasSizeGreaterThanOrEqualTo(3 + 3 + 2);
        List<String> found = new ArrayList<>();
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            secrets.forEach((what, secret) -> {
                if (text.contains(secret)) {
                    found.add(what + " in " + log);
                }
            });
        }
        String state = cluster.admin().getState().getState().toString();
        secrets.forEach((what, secret) -> {
            if (state.contains(secret)) {
                found.add(what + " in the committed state");
            }
        });
        assertThat(found).isEmpty();
        long logged = logs.stream().mapToLong(p -> p.toFile().length()).sum();
        assertThat(logged).isGreaterThan(10_000);
    }

    private Backend backend(int id) {
        ClusterState s = cluster.admin().getState().getState();
        return ClusterStates.backend(s, id).orElseThrow();
    }

    private record Psql(int exit, String output) {}

    private static Psql psql(NodeConfig node, String ssl, String password, String sql) throws Exception {
        String conninfo = "host=" + node.host() + " port=" + node.adminSqlPort() + " user=operator dbname=raftpool"
                + " connect_timeout=10 " + ssl;
        ProcessBuilder pb = new ProcessBuilder(PSQL.toString(), "-X", "-d", conninfo, "-c", sql)
                .redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", password);
        pb.environment().put("PGTZ", "UTC");
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("psql finished").isTrue();
        return new Psql(p.exitValue(), output);
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
