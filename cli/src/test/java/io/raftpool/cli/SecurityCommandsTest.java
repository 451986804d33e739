package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.api.Pem;
import io.raftpool.config.TokenHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** raftpool hash-token and raftpool gen-certs: what the security section of a config is made from. */
class SecurityCommandsTest {
    @TempDir
    Path dir;

    @Test
    void hashTokenPrintsAHashOfTheTokenOnStandardInput() {
        CliRun.Result r = CliRun.runWithInput("s3cret-token\n", dir, "hash-token", "--iterations", "100000");

        assertThat(r.exitCode()).as(r.err()).isZero();
        String line = r.out().strip();
        assertThat(line).startsWith("pbkdf2-sha256$100000$").doesNotContain("s3cret-token");
        assertThat(TokenHash.parse(line).matches("s3cret-token")).isTrue();
    }

    @Test
    void withANameAndARoleItPrintsTheTokensEntry() {
        CliRun.Result r = CliRun.runWithInput("tok", dir, "hash-token", "--iterations", "100000", "--name", "ops",
                "--role", "admin");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("- { name: ops, role: admin, hash: \"pbkdf2-sha256$100000$").endsWith("\" }\n");
    }

    @Test
    void withoutATokenOnStandardInputItFailsAndSaysWhereTheTokenGoes() {
        CliRun.Result r = CliRun.runWithInput("", dir, "hash-token");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("no token on standard input; give it there, never on the command line");
    }

    @Test
    void aWeakIterationCountOrAnUnknownRoleIsAUsageError() {
        assertThat(CliRun.runWithInput("t", dir, "hash-token", "--iterations", "1000").err())
                .contains("--iterations 1000 is out of range; allowed: 100000 to 10000000");
        CliRun.Result role = CliRun.runWithInput("t", dir, "hash-token", "--name", "x", "--role", "root");
        assertThat(role.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(role.err()).contains("--role 'root' is not allowed; allowed: read, admin");
    }

    @Test
    void genCertsWritesACaAndEachNodesPairAndPrintsTheSection() throws Exception {
        Path tls = dir.resolve("tls");

        CliRun.Result r = CliRun.run(dir, "gen-certs", "--dir", tls.toString(), "--nodes",
                "pgsql1=10.0.0.11,witness=10.0.0.13");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + tls.resolve("ca.crt"), "wrote " + tls.resolve("pgsql1.key"),
                "security:\n  tls: true\n  ca_file: " + tls.resolve("ca.crt"),
                "cert_file: " + tls.resolve("{name}.crt"), "key_file: " + tls.resolve("{name}.key"));
        X509Certificate witness = Pem.certificates(tls.resolve("witness.crt"), "cert").get(0);
        witness.verify(Pem.certificates(tls.resolve("ca.crt"), "ca").get(0).getPublicKey());
        assertThat(witness.getSubjectAlternativeNames()).containsExactly(List.of(7, "10.0.0.13"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("witness.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void genCertsRefusesABadNodeAsAUsageError() {
        CliRun.Result r = CliRun.run(dir, "gen-certs", "--dir", dir.toString(), "--nodes", "a b=10.0.0.1");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--nodes: node name 'a b' is not allowed");
    }
}
