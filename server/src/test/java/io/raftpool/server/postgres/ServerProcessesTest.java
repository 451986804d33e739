package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes standing in for a server's: a copy of sleep named postgres, working in a
 * "data directory", some stopped with SIGSTOP, as a hung postmaster and its orphaned backends.
 */
class ServerProcessesTest {
    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void findsAndKillsEveryPostgresProcessOfTheDataDirectoryStoppedOrNot() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path other = Files.createDirectories(dir.resolve("other"));
        Path postgres = fakePostgres();
        Process postmaster = start(postgres, data);
        Process backend = start(postgres, data);
        Process elsewhere = start(postgres, other);
        Process shellInTheDir = start(Path.of("/bin/sleep"), data);
        Files.writeString(data.resolve(PostmasterPidFile.FILE_NAME), postmaster.pid() + "\n" + data + "\n");
        new ProcessBuilder("kill", "-STOP", Long.toString(postmaster.pid())).start().waitFor();

        ServerProcesses processes = new ServerProcesses(data);
        awaitPids(processes, List.of(postmaster.pid(), backend.pid()));
        assertThat(processes.killAll(Duration.ofSeconds(5))).isEqualTo(2);

        assertThat(postmaster.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(backend.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(processes.anyRunning()).isFalse();
        assertThat(elsewhere.isAlive()).as("another data directory's server").isTrue();
        assertThat(shellInTheDir.isAlive()).as("not a postgres executable").isTrue();
        assertThat(new ServerProcesses(data).killAll(Duration.ofSeconds(1))).as("nothing left to kill").isZero();
    }

    private Path fakePostgres() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        return Files.copy(Path.of("/bin/sleep"), bin.resolve(ServerProcesses.EXECUTABLE), StandardCopyOption.COPY_ATTRIBUTES);
    }

    private Process start(Path executable, Path cwd) throws IOException {
        Process p = new ProcessBuilder(executable.toString(), "60").directory(cwd.toFile()).start();
        started.add(p);
        return p;
    }

    /** A forked child reaches exec a moment after start() returns. */
    private static void awaitPids(ServerProcesses processes, List<Long> expected) {
        await("the fake server's processes exec'd").atMost(Duration.ofSeconds(5))
                .until(() -> processes.pids().containsAll(expected));
        assertThat(processes.pids()).containsExactlyInAnyOrderElementsOf(expected);
    }
}
