package io.raftpool.server.watchdog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The watchdog's files in {@code <agent_dir>/watchdog}: the lease (written by the agent), the
 * status (written by the watchdog), the lock that keeps one watchdog per node, and its log.
 * Each write goes to a temporary file renamed over the old one, so a reader sees a whole file.
 */
public record WatchdogFiles(Path dir) {
    public static WatchdogFiles under(Path agentDir) {
        return new WatchdogFiles(agentDir.resolve("watchdog"));
    }

    public Path lease() {
        return dir.resolve("lease");
    }

    public Path status() {
        return dir.resolve("status");
    }

    public Path lock() {
        return dir.resolve("lock");
    }

    public Path log() {
        return dir.resolve("watchdog.log");
    }

    public void writeLease(Lease lease) {
        write(lease(), lease.format());
    }

    /**
     * For a whole stop, once the server is down: with no lease and no agent, the watchdog has
     * nothing to guard and exits (instead of waiting out a restart window).
     */
    public void withdrawLease() {
        try {
            Files.deleteIfExists(lease());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + lease(), e);
        }
    }

    /** Empty when there is none, or it cannot be read whole. */
    public Optional<Lease> readLease() {
        return read(lease()).flatMap(Lease::parse);
    }

    public void writeStatus(WatchdogStatus status) {
        write(status(), status.format());
    }

    public Optional<WatchdogStatus> readStatus() {
        return read(status()).flatMap(WatchdogStatus::parse);
    }

    private void write(Path file, String text) {
        try {
            Files.createDirectories(dir);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty(); // none yet, or being replaced: the next turn reads it
        }
    }
}
