package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.TokenHash;
import io.raftpool.server.api.AdminEndpoint;
import io.raftpool.server.security.ApiAccess;
import io.raftpool.server.security.CertificateAuthority;
import io.raftpool.server.security.NodeTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against an agent's admin endpoint with TLS and tokens on (the endpoint as agents build
 * it, in front of the test agent's answers): the CLI trusts the config's CA and shows the token
 * of security.cli_token_file, and a refusal reaches the operator with what is needed.
 */
class SecuredCommandsTest {
    private static final String ADMIN = "cli-admin-token";
    private static final String READ = "cli-read-token";

    @TempDir
    static Path dir;

    private static final FixedAdmin admin = new FixedAdmin();
    private static Server endpoint;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        new CertificateAuthority(dir.resolve("tls")).create(List.of(new CertificateAuthority.Node("pgsql1", "127.0.0.1"),
                new CertificateAuthority.Node("pgsql2", "127.0.0.1"), new CertificateAuthority.Node("witness", "127.0.0.1")));
        secret("admin.token", ADMIN);
        secret("read.token", READ);
        port = TestClusters.freePort();
        ClusterConfig config = ConfigLoader.load(config("secured.yaml", "cli_token_file: " + dir.resolve("admin.token")));
        endpoint = AdminEndpoint.build(new InetSocketAddress("127.0.0.1", port), admin, NodeTls.load(config, 1),
                new ApiAccess(config.security())).start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        endpoint.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static void secret(String name, String value) throws IOException {
        Path file = dir.resolve(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value + "\n");
    }

    /** The test cluster's config (only node 1's agent answers) with security on and {@code extra} in it. */
    private static Path config(String name, String extra) throws IOException {
        SecureRandom random = new SecureRandom();
        Path base = TestClusters.writeConfig(dir, TestClusters.deadPort(), port, TestClusters.deadPort());
        String yaml = Files.readString(base) + """
                security:
                  tls: true
                  ca_file: %1$s/tls/ca.crt
                  cert_file: "%1$s/tls/{name}.crt"
                  key_file: "%1$s/tls/{name}.key"
                  auth: true
                  tokens:
                    - { name: ops, role: admin, hash: "%2$s" }
                    - { name: watch, role: read, hash: "%3$s" }
                  %4$s
                """.formatted(dir, TokenHash.create(ADMIN, TokenHash.MIN_ITERATIONS, random).format(),
                TokenHash.create(READ, TokenHash.MIN_ITERATIONS, random).format(), extra);
        return Files.writeString(dir.resolve(name), yaml);
    }

    @Test
    void withTheAdminTokenTheCommandsWorkOverTls() throws IOException {
        String config = config("admin.yaml", "cli_token_file: " + dir.resolve("admin.token")).toString();

        CliRun.Result pool = CliRun.run(dir, "--config", config, "pool-nodes");
        assertThat(pool.exitCode()).as(pool.err()).isZero();
        assertThat(pool.out()).contains("primary: node 1 (pgsql2), epoch 2");

        CliRun.Result promote = CliRun.run(dir, "--config", config, "promote-node", "0");
        assertThat(promote.exitCode()).as(promote.err()).isZero();
        assertThat(promote.out()).contains("promoting node 0 at epoch 3");
    }

    @Test
    void aReadTokenShowsButCannotPromote() throws IOException {
        String config = config("read.yaml", "cli_token_file: " + dir.resolve("read.token")).toString();

        assertThat(CliRun.run(dir, "--config", config, "pool-nodes").exitCode()).isZero();
        CliRun.Result promote = CliRun.run(dir, "--config", config, "promote-node", "0");
        assertThat(promote.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(promote.err()).contains("PERMISSION_DENIED: PromoteNode needs role admin; token 'watch' has role read")
                .doesNotContain(READ);
    }

    @Test
    void withoutATokenTheOperatorIsToldWhereTheCliLooksForOne() throws IOException {
        String config = config("none.yaml", "").toString();

        CliRun.Result r = CliRun.run(dir, "--config", config, "pool-nodes");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("UNAUTHENTICATED: GetState needs a token of role read",
                "security.cli_token_file or security.cli_token_env");
    }

    @Test
    void aMissingCaIsAConfigProblemNamedByItsKey() throws IOException {
        Path config = config("noca.yaml", "cli_token_file: " + dir.resolve("admin.token"));
        Files.writeString(config, Files.readString(config).replace(dir + "/tls/ca.crt", dir + "/tls/absent.crt"));

        CliRun.Result r = CliRun.run(dir, "--config", config.toString(), "pool-nodes");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("security.ca_file: " + dir + "/tls/absent.crt does not exist");
    }
}
