package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftpool.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real processes, run as the os user PostgreSQL uses (postgres when the tests run as root). */
class OsCommandTest {
    private final OsCommand os = OsCommand.forUser(TestPostgres.osUser());
    private TestPostgres dirs;

    @BeforeEach
    void tempDir() throws IOException {
        dirs = new TestPostgres();
    }

    @AfterEach
    void cleanUp() throws IOException {
        dirs.close();
    }

    @Test
    void commandsRunAsTheOsUserWithTheirOutputHeardLineByLine() {
        List<String> heard = new CopyOnWriteArrayList<>();

        CommandResult result = os.run(Command.of(Duration.ofSeconds(10), "sh", "-c",
                "id -un; printf 'a\\rb\\n'; echo err >&2").onLine(heard::add));

        assertThat(heard).containsExactly(TestPostgres.osUser(), "a", "b", "err");
        assertThat(result.outputTail()).isEqualTo(heard);
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void secretsGoThroughTheEnvironmentAndTheJvmsOwnPgSettingsDoNot() {
        CommandResult result = os.run(Command.of(Duration.ofSeconds(10), "sh", "-c",
                "echo \"$PGPASSWORD|${PGHOST:-none}|$LC_MESSAGES\"").withEnv("PGPASSWORD", "s3cret"));

        assertThat(result.outputTail()).containsExactly("s3cret|none|C");
    }

    @Test
    void aFailureNamesTheCommandItsExitCodeAndItsLastWords() {
        assertThatThrownBy(() -> os.run(Command.of(Duration.ofSeconds(10), "sh", "-c",
                "for i in $(seq 1 30); do echo line $i; done; exit 3").named("noisy")))
                .isInstanceOfSatisfying(PostgresException.class, e -> {
                    assertThat(e.command()).contains("noisy");
                    assertThat(e.exitCode()).hasValue(3);
                    assertThat(e.outputTail()).hasSize(20).endsWith("line 30");
                    assertThat(e.getMessage()).startsWith("noisy failed with exit code 3 after")
                            .contains("line 30").doesNotContain("line 10\n");
                });
        assertThat(os.execute(Command.of(Duration.ofSeconds(10), "false")).exitCode()).isEqualTo(1);
    }

    @Test
    void aCommandPastItsTimeoutIsKilledWithWhatItStarted() {
        List<String> pids = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();

        assertThatThrownBy(() -> os.run(Command.of(Duration.ofMillis(500), "sh", "-c",
                "sleep 60 & echo $!; wait").named("sleeper").onLine(pids::add)))
                .isInstanceOfSatisfying(PostgresException.class, e -> {
                    assertThat(e.getMessage()).startsWith("sleeper did not finish within 500 ms and was killed");
                    assertThat(e.exitCode()).isEmpty();
                });

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        long child = Long.parseLong(pids.get(0));
        // SIGKILL is delivered when the child is next scheduled: on busy cores, a moment later
        await().atMost(Duration.ofSeconds(5)).until(() -> !(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)
                && ProcessSnapshot.of(child).map(p -> p.state() != 'Z').orElse(false)));
    }

    @Test
    void aMissingProgramIsNamed() {
        assertThatThrownBy(() -> os.run(Command.of(Duration.ofSeconds(5), "/nonexistent/pg_ctl", "start")))
                .isInstanceOf(PostgresException.class).hasMessageContaining("/nonexistent/pg_ctl");
    }

    @Test
    void directoriesAndFilesAreMadeForTheOsUserWithTheModeAsked() throws IOException {
        Path data = dirs.root.resolve("a").resolve("data");

        os.ensureDirectory(data, "rwx------");
        os.writeFile(data.resolve("x.conf"), "port = 1\n", "rw-------");
        os.writeFile(data.resolve("x.conf"), "port = 2\n", "rw-------");

        assertThat(Files.getOwner(data).getName()).isEqualTo(TestPostgres.osUser());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.getParent())))
                .isEqualTo("rwxr-xr-x");
        assertThat(Files.getOwner(data.resolve("x.conf")).getName()).isEqualTo(TestPostgres.osUser());
        assertThat(data.resolve("x.conf")).hasContent("port = 2");
        assertThat(data).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith("raftpool-tmp"));
        // and the os user can really read it, not just own it
        assertThat(os.run(Command.of(Duration.ofSeconds(5), "cat", data.resolve("x.conf").toString())).outputTail())
                .containsExactly("port = 2");
    }

    @Test
    void rootIsNotAnOsUserForPostgres() {
        if (OsUser.jvmIsRoot()) {
            assertThatThrownBy(() -> OsCommand.forUser("root")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("'root' cannot run PostgreSQL");
        } else {
            assertThatThrownBy(() -> OsCommand.forUser("root")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("not root, so it cannot act as another user");
        }
        assertThatThrownBy(() -> OsCommand.forUser("no-such-user-here")).isInstanceOf(PostgresException.class)
                .hasMessageContaining("'no-such-user-here' is not a user on this machine");
    }
}
