package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the config names secrets: by file or environment variable, never inline. */
class SecretConfigTest {
    private static final String SECRET = "hunter2-do-not-print";

    private final ConfigYaml valid = ConfigYaml.valid();

    @ParameterizedTest(name = "{0}")
    @CsvSource({"replication, password", "postgres, superuser_password"})
    void aSecretWrittenInTheConfigIsRefusedWithoutRepeatingIt(String section, String key) {
        ConfigYaml config = valid.set(section + "." + key, SECRET);

        assertThat(config.problems()).singleElement(STRING)
                .isEqualTo("test.yaml: " + section + "." + key + ": secrets are never written in the config; use "
                        + key + "_file (a file only its owner can read) or " + key + "_env (an environment variable)");
        assertThatThrownBy(config::load).message().doesNotContain(SECRET);
    }

    @Test
    void anInlineSecretAmongOtherProblemsIsStillNotRepeated() {
        ConfigYaml config = valid.set("replication.password", SECRET).set("replication.mode", "fast")
                .set("replication.passwd", SECRET);

        assertThat(config.problems()).hasSize(3).noneMatch(p -> p.contains(SECRET));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"replication, password", "postgres, superuser_password"})
    void aFileAndAVariableTogetherAreRefused(String section, String key) {
        ConfigYaml config = valid.set(section + "." + key + "_file", "/etc/raftpool/secret")
                .set(section + "." + key + "_env", "RAFTPOOL_SECRET");

        assertThat(config.problems()).singleElement(STRING)
                .isEqualTo("test.yaml: " + section + "." + key + "_file: give " + key + "_file or " + key
                        + "_env, not both");
    }

    @Test
    void aPasswordFileBecomesAFileReference() {
        ClusterConfig config = valid.set("replication.password_file", "/etc/raftpool/replication.password").load();

        assertThat(config.replication().password())
                .isEqualTo(SecretRef.file(Path.of("/etc/raftpool/replication.password")));
    }

    @Test
    void aPasswordVariableBecomesAnEnvironmentReferenceForEveryServer() {
        ClusterConfig config = valid.set("postgres.superuser_password_env", "PGPASSWORD").load();

        assertThat(config.postgresNodes()).extracting(n -> n.requirePostgres().superuserPassword())
                .containsOnly(SecretRef.env("PGPASSWORD"));
    }

    @Test
    void withoutASecretKeyThereIsNoSecret() {
        assertThat(valid.load().replication().password().isPresent()).isFalse();
    }
}
