package io.raftpool.server.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every process of one PostgreSQL server, found and killed without its cooperation: the fence.
 * A dead postmaster is not a dead server: its backends outlive it, reparented, and one in the
 * middle of a statement still commits (docs/architecture.md, fencing). What they share is their
 * working directory, the data directory, so they are found through {@code /proc/PID/cwd}
 * whoever their parent now is. SIGKILL reaches stopped (SIGSTOP) processes too, and needs no
 * answer from PostgreSQL; a fence that waits for a shutdown would wait on the sessions it is
 * meant to stop.
 */
public final class ServerProcesses {
    private static final Path PROC = Path.of("/proc");
    static final String EXECUTABLE = "postgres";

    private final Path dataDir;

    public ServerProcesses(Path dataDir) {
        this.dataDir = real(dataDir);
    }

    /** The pids of every PostgreSQL process working in the data directory, the postmaster's among them. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(PROC)) {
            entries.map(p -> p.getFileName().toString()).filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).filter(this::isOurs).forEach(pids::add);
        } catch (IOException e) {
            throw new PostgresException("cannot list the processes of " + dataDir + ": " + e.getMessage(), e);
        }
        return pids;
    }

    /**
     * Whether any process of the server remains. Cheap while the answer is plain: PostgreSQL
     * removes its pid file when the postmaster exits normally, after its children; a pid file
     * whose postmaster is gone (killed) is when backends may linger, and /proc is read.
     */
    public boolean anyRunning() {
        Optional<PostmasterPidFile> file = PostmasterPidFile.read(dataDir);
        if (file.isEmpty()) {
            return false;
        }
        return isOurs(file.get().pid()) || !pids().isEmpty();
    }

    /**
     * SIGKILLs the postmaster first (so that it starts nothing new), then every other process of
     * the server, again until none remains. Returns how many were killed; throws when some still
     * run after {@code timeout}.
     */
    public int killAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Long> killed = new ArrayList<>();
        PostmasterPidFile.read(dataDir).map(PostmasterPidFile::pid).filter(this::isOurs).ifPresent(pid -> kill(pid, killed));
        while (true) {
            List<Long> left = pids();
            if (left.isEmpty()) {
                return killed.size();
            }
            if (System.nanoTime() > deadline) {
                throw new PostgresException("processes " + left + " of the server in " + dataDir + " still run "
                        + timeout.toMillis() + " ms after SIGKILL");
            }
            left.forEach(pid -> kill(pid, killed));
            pause();
        }
    }

    /** A postgres executable (not an operator's shell that happens to stand there) working in the data directory. */
    private boolean isOurs(long pid) {
        Path proc = PROC.resolve(Long.toString(pid));
        try {
            return Files.readSymbolicLink(proc.resolve("cwd")).equals(dataDir)
                    && Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString().equals(EXECUTABLE);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // gone meanwhile, or not ours to see
        }
    }

    private static void kill(long pid, List<Long> killed) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isPresent() && p.get().destroyForcibly() && !killed.contains(pid)) {
            killed.add(pid);
        }
    }

    private static Path real(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostgresException("interrupted while killing the processes of a server", e);
        }
    }
}
