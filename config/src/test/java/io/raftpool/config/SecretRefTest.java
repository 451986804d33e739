package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading a secret: only from a private file or an environment variable, and never shown. */
class SecretRefTest {
    private static final String SECRET = "s3cret-value";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--"})
    void aFileOthersCanReadIsRefusedWithTheChmodToRun(String mode) throws IOException {
        Path file = secretFile(SECRET + "\n", mode);

        assertThatThrownBy(() -> SecretRef.file(file).resolve())
                .isInstanceOf(ConfigException.class)
                .hasMessage("secret file " + file + " is readable by group or others; make it private: chmod 600 "
                        + file);
    }

    static Stream<Named<String>> lineEndings() {
        return Stream.of(Named.of("LF", "\n"), Named.of("CRLF", "\r\n"), Named.of("two LF", "\n\n"),
                Named.of("none", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lineEndings")
    void aPrivateFileIsReadWithoutTrailingNewlines(String ending) throws IOException {
        Path file = secretFile(SECRET + ending, "rw-------");

        assertThat(SecretRef.file(file).resolve()).contains(SECRET);
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("absent.password");

        assertThatThrownBy(() -> SecretRef.file(file).resolve())
                .isInstanceOf(ConfigException.class)
                .hasMessage("secret file " + file + " does not exist; create it with the secret on one line and"
                        + " chmod 600 it");
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        Path file = secretFile("\n", "rw-------");

        assertThatThrownBy(() -> SecretRef.file(file).resolve())
                .isInstanceOf(ConfigException.class)
                .hasMessage("secret file " + file + " is empty; it should hold the secret the config names");
    }

    @Test
    void anUnsetVariableIsNamed() {
        assertThatThrownBy(() -> SecretRef.env("RAFTPOOL_TEST_UNSET").resolve(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("environment variable RAFTPOOL_TEST_UNSET is not set; it should hold the secret the"
                        + " config names");
    }

    @Test
    void anEmptyVariableIsRefused() {
        assertThatThrownBy(() -> SecretRef.env("RAFTPOOL_TEST_EMPTY").resolve(Map.of("RAFTPOOL_TEST_EMPTY", "")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("environment variable RAFTPOOL_TEST_EMPTY is empty; it should hold the secret the"
                        + " config names");
    }

    @Test
    void aVariableIsReadWithoutItsTrailingNewline() {
        assertThat(SecretRef.env("PW").resolve(Map.of("PW", SECRET + "\n"))).contains(SECRET);
    }

    @Test
    void noSecretResolvesToNothing() {
        assertThat(SecretRef.NONE.resolve(Map.of())).isEmpty();
        assertThat(SecretRef.NONE.isPresent()).isFalse();
    }

    @Test
    void toStringShowsWhereTheSecretIsNeverTheSecret() throws IOException {
        Path file = secretFile(SECRET, "rw-------");
        SecretRef fromFile = SecretRef.file(file);
        SecretRef fromEnv = SecretRef.env("PW");
        assertThat(fromFile.resolve()).contains(SECRET);
        assertThat(fromEnv.resolve(Map.of("PW", SECRET))).contains(SECRET);

        assertThat(fromFile).hasToString("file " + file);
        assertThat(fromEnv).hasToString("env PW");
        assertThat(SecretRef.NONE).hasToString("none");
    }

    @Test
    void aConfigPrintedWholeShowsNoSecret() throws IOException {
        Path file = secretFile(SECRET, "rw-------");
        ClusterConfig config = ConfigYaml.valid().set("replication.password_file", file.toString()).load();
        assertThat(config.replication().password().resolve()).contains(SECRET);

        assertThat(config.toString()).contains("file " + file).doesNotContain(SECRET);
    }

    @Test
    void refusingAFileDoesNotRevealItsContent() throws IOException {
        Path file = secretFile(SECRET, "rw-rw-rw-");

        assertThatThrownBy(() -> SecretRef.file(file).resolve()).message().doesNotContain(SECRET);
    }

    private Path secretFile(String content, String mode) throws IOException {
        Path file = Files.writeString(dir.resolve("secret-" + Math.abs(content.hashCode()) + "-" + mode), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }
}
