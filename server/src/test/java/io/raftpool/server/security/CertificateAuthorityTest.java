package io.raftpool.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftpool.api.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gen-certs' files, made by the real openssl: a CA, and node certificates it signed for the node's host. */
class CertificateAuthorityTest {
    @TempDir
    Path dir;

    @Test
    void eachNodeGetsAPrivateKeyAndACertificateForItsHostSignedByTheCa() throws Exception {
        CertificateAuthority ca = new CertificateAuthority(dir);

        ca.create(List.of(CertificateAuthority.Node.parse("pgsql1=10.0.0.11"),
                CertificateAuthority.Node.parse("db2.example.com")));

        X509Certificate root = Pem.certificates(ca.caCertificate(), "ca").get(0);
        X509Certificate one = Pem.certificates(ca.certificate("pgsql1"), "cert").get(0);
        X509Certificate two = Pem.certificates(ca.certificate("db2.example.com"), "cert").get(0);
        one.verify(root.getPublicKey());
        two.verify(root.getPublicKey());
        assertThat(one.getSubjectAlternativeNames()).containsExactly(List.of(7, "10.0.0.11"));
        assertThat(two.getSubjectAlternativeNames()).containsExactly(List.of(2, "db2.example.com"));
        assertThat(one.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        for (Path key : List.of(ca.key("pgsql1"), ca.key("db2.example.com"), dir.resolve("ca.key"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        }
        assertThat(Pem.privateKey(ca.key("pgsql1"), "key").getAlgorithm()).isEqualTo("EC");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ca.crt", "ca.key",
                    "pgsql1.crt", "pgsql1.key", "db2.example.com.crt", "db2.example.com.key");
        }
    }

    @Test
    void aSecondRunKeepsTheCaSoOldCertificatesStayValid() throws Exception {
        CertificateAuthority ca = new CertificateAuthority(dir);
        ca.create(List.of(CertificateAuthority.Node.parse("a=127.0.0.1")));
        String first = Files.readString(ca.caCertificate());

        ca.create(List.of(CertificateAuthority.Node.parse("b=127.0.0.2")));

        assertThat(Files.readString(ca.caCertificate())).isEqualTo(first);
        X509Certificate root = Pem.certificates(ca.caCertificate(), "ca").get(0);
        Pem.certificates(ca.certificate("a"), "cert").get(0).verify(root.getPublicKey());
        Pem.certificates(ca.certificate("b"), "cert").get(0).verify(root.getPublicKey());
    }

    @Test
    void aBadNodeIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> CertificateAuthority.Node.parse("a b=10.0.0.1"))
                .hasMessageStartingWith("node name 'a b' is not allowed");
        assertThatThrownBy(() -> CertificateAuthority.Node.parse("x=10.0.0.1:5432"))
                .hasMessageStartingWith("host '10.0.0.1:5432' of node x is not a host name or IPv4 address");
    }

    @Test
    void withoutOpensslTheMessageSaysWhatToInstall() {
        CertificateAuthority ca = new CertificateAuthority(dir, "/nonexistent/openssl");

        assertThatThrownBy(() -> ca.create(List.of()))
                .hasMessageContaining("cannot run /nonexistent/openssl")
                .hasMessageContaining("apt-get install openssl");
    }
}
