package io.raftpool.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigException;
import io.raftpool.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's TLS files are read when its agent starts; a file that cannot be used names the key and the fix. */
class NodeTlsTest {
    @TempDir
    Path dir;

    private ClusterConfig config;

    @BeforeEach
    void writeFilesAndConfig() {
        new CertificateAuthority(dir).create(List.of(new CertificateAuthority.Node("n0", "127.0.0.1"),
                new CertificateAuthority.Node("n1", "127.0.0.1"), new CertificateAuthority.Node("n2", "127.0.0.1")));
        config = config(true);
    }

    private ClusterConfig config(boolean tls) {
        String yaml = """
                cluster: { name: t }
                security:
                  tls: %s
                  ca_file: %s/ca.crt
                  cert_file: %s/{name}.crt
                  key_file: %s/{name}.key
                nodes:
                  - { id: 0, name: n0, host: 127.0.0.1, raft_port: 7000, admin_port: 7001, witness: true, agent_dir: /tmp/a0 }
                  - { id: 1, name: n1, host: 127.0.0.1, raft_port: 7002, admin_port: 7003, witness: true, agent_dir: /tmp/a1 }
                  - { id: 2, name: n2, host: 127.0.0.1, raft_port: 7004, admin_port: 7005, agent_dir: /tmp/a2,
                      postgres: { port: 5432, data_dir: /tmp/d2 } }
                """.formatted(tls, dir, dir, dir);
        return ConfigLoader.parse(yaml, Path.of("t.yaml"));
    }

    @Test
    void theNodesOwnCertificateAndTheCaAreRead() {
        NodeTls tls = NodeTls.load(config, 1).orElseThrow();

        assertThat(tls.identity().certificate().getSubjectX500Principal().getName()).isEqualTo("CN=n1");
        assertThat(tls.trusted()).singleElement()
                .satisfies(c -> assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=raftpool CA"));
        assertThat(tls.adminServer().isServer()).isTrue();
        assertThat(tls.raft().getMtlsEnabled()).isTrue();
        assertThat(tls.console().getProtocol()).isEqualTo("TLS");
        assertThat(tls.peerCredentials().tls()).isTrue();
    }

    @Test
    void withTlsOffThereIsNothingToRead() {
        assertThat(NodeTls.load(config(false), 1)).isEmpty();
    }

    @Test
    void aKeyOthersCanReadIsRefused() throws Exception {
        Path key = dir.resolve("n1.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> NodeTls.load(config, 1)).isInstanceOf(ConfigException.class)
                .hasMessage("t.yaml: security.key_file: " + key + " is readable by group or others; make it private:"
                        + " chmod 600 " + key);
    }

    @Test
    void aMissingCertificateIsNamed() throws Exception {
        Files.delete(dir.resolve("n2.crt"));

        assertThatThrownBy(() -> NodeTls.load(config, 2)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.yaml: security.cert_file: " + dir.resolve("n2.crt") + " does not exist;"
                        + " raftpool gen-certs makes");
    }

    @Test
    void aCertificateWhereTheKeyShouldBeIsRefused() throws Exception {
        Files.copy(dir.resolve("n0.crt"), dir.resolve("n0.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(dir.resolve("n0.key"), PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> NodeTls.load(config, 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("security.key_file: " + dir.resolve("n0.key") + " holds no private key");
    }

    @Test
    void aKeyInTheOldFormIsRefusedWithTheConversion() throws Exception {
        Path key = dir.resolve("n0.key");
        Process p = new ProcessBuilder("openssl", "ec", "-in", key.toString(), "-out", key.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        assertThat(Files.readString(key)).contains("BEGIN EC PRIVATE KEY");

        assertThatThrownBy(() -> NodeTls.load(config, 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is a key in the old EC form; convert it to PKCS#8: openssl pkcs8 -topk8");
    }
}
