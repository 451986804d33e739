package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The security section: TLS files, tokens as hashes with a role, and who must present a token. */
class SecurityConfigTest {
    static final String TOKEN = "ops-token-do-not-print";
    static final String HASH = TokenHash.create(TOKEN, TokenHash.MIN_ITERATIONS, new SecureRandom()).format();

    private final ConfigYaml valid = ConfigYaml.valid();

    private ConfigYaml secured() {
        return valid.set("security.tls", true)
                .set("security.ca_file", "/etc/raftpool/tls/ca.crt")
                .set("security.cert_file", "/etc/raftpool/tls/{name}.crt")
                .set("security.key_file", "/etc/raftpool/tls/{name}-{id}.key")
                .set("security.auth", true)
                .set("security.tokens", List.of(token("ops", "admin", HASH), token("watch", "read", HASH)))
                .set("security.proxy_token_file", "/etc/raftpool/proxy.token")
                .set("security.cli_token_env", "RAFTPOOL_TOKEN");
    }

    private static Map<String, Object> token(String name, String role, String hash) {
        return Map.of("name", name, "role", role, "hash", hash);
    }

    @Test
    void aSecuredClusterLoadsWithEveryNodesOwnFiles() {
        ClusterConfig config = secured().load();
        SecuritySettings s = config.security();

        assertThat(s.tls()).isTrue();
        assertThat(s.auth()).isTrue();
        assertThat(s.caFile()).contains(Path.of("/etc/raftpool/tls/ca.crt"));
        assertThat(s.certFile(config.requireNode(1))).contains(Path.of("/etc/raftpool/tls/pg1.crt"));
        assertThat(s.keyFile(config.requireNode(2))).contains(Path.of("/etc/raftpool/tls/witness-2.key"));
        assertThat(s.tokens()).extracting(TokenEntry::name, TokenEntry::role)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ops", ApiRole.ADMIN),
                        org.assertj.core.groups.Tuple.tuple("watch", ApiRole.READ));
        assertThat(s.tokens().get(0).hash().matches(TOKEN)).isTrue();
        assertThat(s.proxyToken()).isEqualTo(SecretRef.file(Path.of("/etc/raftpool/proxy.token")));
        assertThat(s.cliToken()).isEqualTo(SecretRef.env("RAFTPOOL_TOKEN"));
    }

    @Test
    void tlsNeedsTheCaTheCertificateAndTheKey() {
        assertThat(valid.set("security.tls", true).problems()).containsExactly(
                "test.yaml: security.ca_file: is required when security.tls is true (every agent serves TLS with its"
                        + " certificate and key, and trusts the CA); raftpool gen-certs makes them",
                "test.yaml: security.cert_file: is required when security.tls is true (every agent serves TLS with its"
                        + " certificate and key, and trusts the CA); raftpool gen-certs makes them",
                "test.yaml: security.key_file: is required when security.tls is true (every agent serves TLS with its"
                        + " certificate and key, and trusts the CA); raftpool gen-certs makes them");
    }

    @Test
    void authWithoutTlsIsRefused() {
        assertThat(secured().set("security.tls", false).problems()).singleElement(STRING)
                .isEqualTo("test.yaml: security.auth: true needs security.tls: true, or tokens would cross the network"
                        + " in the clear; turn TLS on too");
    }

    @Test
    void authNeedsATokenAndAProxyToken() {
        assertThat(secured().remove("security.tokens").remove("security.proxy_token_file").problems()).containsExactly(
                "test.yaml: security.tokens: is required when security.auth is true: at least one token (name, role,"
                        + " hash); raftpool hash-token prints the hash",
                "test.yaml: security.proxy_token_file: is required (or proxy_token_env) when security.auth is true and"
                        + " a node runs a proxy: the proxy presents it to watch the cluster state (a token of role read"
                        + " is enough)");
    }

    @Test
    void withoutProxiesNoProxyTokenIsNeeded() {
        ConfigYaml noProxies = secured().remove("security.proxy_token_file")
                .remove("nodes[0].proxy").remove("nodes[1].proxy");

        assertThat(noProxies.load().security().proxyToken().isPresent()).isFalse();
    }

    @Test
    void anUnknownRoleIsRefusedWithTheRoles() {
        assertThat(secured().set("security.tokens", List.of(token("ops", "root", HASH))).problems())
                .singleElement(STRING)
                .isEqualTo("test.yaml: security.tokens[0].role: 'root' is not allowed; allowed: read, admin");
    }

    @Test
    void tokenNamesAreUnique() {
        assertThat(secured().set("security.tokens", List.of(token("ops", "read", HASH), token("ops", "admin", HASH)))
                .problems()).singleElement(STRING)
                .isEqualTo("test.yaml: security.tokens[1].name: 'ops' is used by another token too; token names"
                        + " must be unique");
    }

    @Test
    void aTokenWrittenInTheConfigIsRefusedWithoutRepeatingIt() {
        ConfigYaml config = secured().set("security.tokens", List.of(Map.of("name", "ops", "role", "admin",
                "token", TOKEN)));

        assertThat(config.problems()).containsExactly(
                "test.yaml: security.tokens[0].hash: is required",
                "test.yaml: security.tokens[0].token: unknown key; allowed here: name, role, hash");
        assertThatThrownBy(config::load).message().doesNotContain(TOKEN);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"md5$abc", "pbkdf2-sha256$600000$c2FsdA==", "pbkdf2-sha256$lots$AAAAAAAAAAAAAAAAAAAAAA==$AA==",
            "pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$600000$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA", "pbkdf2-sha256$600000$!!$AAAA"})
    void aHashThatIsNotAPbkdf2LineIsRefusedWithoutQuotingIt(String hash) {
        List<String> problems = secured().set("security.tokens", List.of(token("ops", "admin", hash))).problems();

        assertThat(problems).singleElement(STRING).startsWith("test.yaml: security.tokens[0].hash: ")
                .doesNotContain(hash);
    }

    @Test
    void anUnknownPlaceholderInAKeyPathIsRefused() {
        assertThat(secured().set("security.key_file", "/etc/raftpool/{node}.key").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: security.key_file: unknown placeholder {node}; allowed: {name}, {id}, {host}");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ca_file", "cert_file", "key_file"})
    void tlsFilesAreAbsolutePaths(String key) {
        assertThat(secured().set("security." + key, "tls/x.pem").problems()).singleElement(STRING)
                .isEqualTo("test.yaml: security." + key + ": 'tls/x.pem' is not an absolute path");
    }

    @Test
    void aTokenFileAndVariableTogetherAreRefused() {
        assertThat(secured().set("security.cli_token_file", "/etc/raftpool/admin.token").problems())
                .singleElement(STRING)
                .isEqualTo("test.yaml: security.cli_token_file: give cli_token_file or cli_token_env, not both");
    }

    @Test
    void byDefaultSecurityIsOff() {
        SecuritySettings s = valid.load().security();

        assertThat(s.tls()).isFalse();
        assertThat(s.auth()).isFalse();
        assertThat(s.certFile(valid.load().requireNode(0))).isEmpty();
    }
}
