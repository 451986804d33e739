package io.raftpool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftpool.api.AdminCredentials;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigException;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.TokenHash;
import io.raftpool.server.security.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyOptionsTest {

    private static final String YAML = """
            cluster:
              name: opts
            proxy:
              stale_after: 800ms
              connect_timeout: 300ms
              startup_timeout: 5s
            postgres:
              bin_dir: /usr/lib/postgresql/15/bin
            nodes:
              - id: 0
                name: pgsql1
                host: 127.0.0.1
                raft_port: 7400
                admin_port: 7410
                proxy: { rw_port: 9999, ro_port: 9998 }
                postgres: { port: 5432, data_dir: /tmp/raftpool-opts/0 }
              - id: 1
                name: pgsql2
                host: 127.0.0.2
                raft_port: 7401
                admin_port: 7411
                proxy: { rw_port: 9997, ro_port: 9996, metrics_port: 9187 }
                postgres: { port: 5433, data_dir: /tmp/raftpool-opts/1 }
              - id: 2
                name: witness
                host: 127.0.0.3
                raft_port: 7402
                admin_port: 7412
                witness: true
            """;

    private final ClusterConfig config = ConfigLoader.parse(YAML, Path.of("opts.yaml"));

    @Test
    void watchesItsOwnAgentFirstThenTheOthers() {
        ProxyOptions o = ProxyOptions.from(config, 1);
        assertThat(o.agents()).containsExactly(
                new AgentAddress(1, "127.0.0.2", 7411),
                new AgentAddress(0, "127.0.0.1", 7410),
                new AgentAddress(2, "127.0.0.3", 7412));
        assertThat(o.readWritePort()).isEqualTo(9997);
        assertThat(o.readOnlyPort()).isEqualTo(9996);
        assertThat(o.metricsPort()).hasValue(9187);
        assertThat(o.settings().staleAfter()).isEqualTo(Duration.ofMillis(800));
        assertThat(o.settings().connectTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(o.bindHost()).isEqualTo("0.0.0.0");
    }

    @Test
    void metricsPortZeroMeansNoEndpoint() {
        assertThat(ProxyOptions.from(config, 0).metricsPort()).isEmpty();
    }

    @Test
    void aNodeWithoutProxySectionIsRefusedWithTheFix() {
        assertThatThrownBy(() -> ProxyOptions.from(config, 2))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("node 2 (witness) has no proxy section")
                .hasMessageContaining("rw_port");
    }

    @Test
    void anUnknownNodeIsRefusedNamingTheNodesThatExist() {
        assertThatThrownBy(() -> ProxyOptions.from(config, 5))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("node id 5");
    }

    @Test
    void withSecurityOffTheWatchIsPlaintext() {
        assertThat(ProxyOptions.from(config, 0).credentials().tls()).isFalse();
    }

    private static ClusterConfig secured(Path dir) {
        String hash = TokenHash.create("proxy-token", TokenHash.MIN_ITERATIONS,
                new SecureRandom()).format();
        String security = """
                security:
                  tls: true
                  ca_file: %1$s/ca.crt
                  cert_file: "%1$s/{name}.crt"
                  key_file: "%1$s/{name}.key"
                  auth: true
                  tokens: [ { name: proxies, role: read, hash: "%2$s" } ]
                  proxy_token_file: %1$s/proxy.token
                """.formatted(dir, hash);
        return ConfigLoader.parse(YAML + security, Path.of("opts.yaml"));
    }

    @Test
    void withTlsTheWatchTrustsTheCaAndShowsTheProxyToken(@TempDir Path dir) throws Exception {
        new CertificateAuthority(dir).create(List.of());
        Path token = dir.resolve("proxy.token");
        Files.createFile(token, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(token, "proxy-token\n");

        AdminCredentials credentials = ProxyOptions.from(secured(dir), 1).credentials();

        assertThat(credentials.tls()).isTrue();
        assertThat(credentials.hasToken()).isTrue();
        assertThat(credentials.toString()).doesNotContain("proxy-token");
    }

    @Test
    void aMissingCaOrTokenFileStopsTheProxyWithTheKeyNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ProxyOptions.from(secured(dir), 1)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("security.ca_file: " + dir.resolve("ca.crt") + " does not exist");

        new CertificateAuthority(dir).create(List.of());
        assertThatThrownBy(() -> ProxyOptions.from(secured(dir), 1)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("secret file " + dir.resolve("proxy.token") + " does not exist");
    }
}
