package io.raftpool.server.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The lines of {@code postmaster.pid} that raftpool reads: the postmaster's pid, its start time
 * (epoch seconds), its port and, since PostgreSQL 10, its status ("starting", "ready",
 * "standby", "stopping"). The file outlives a killed postmaster, so it proves nothing alone.
 */
public record PostmasterPidFile(long pid, long startEpochSecond, int port, Optional<String> status) {
    public static final String FILE_NAME = "postmaster.pid";

    public static Optional<PostmasterPidFile> read(Path dataDir) {
        try {
            return parse(Files.readAllLines(dataDir.resolve(FILE_NAME), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // Being written right now, or unreadable: the next poll will see it.
            return Optional.empty();
        }
    }

    /** Empty when the lines are not a complete postmaster.pid (a half-written one, a foreign file). */
    public static Optional<PostmasterPidFile> parse(List<String> lines) {
        if (lines.size() < 4) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).trim());
            long start = Long.parseLong(lines.get(2).trim());
            int port = Integer.parseInt(lines.get(3).trim());
            Optional<String> status = lines.size() > 7 && !lines.get(7).isBlank()
                    ? Optional.of(lines.get(7).trim()) : Optional.empty();
            return pid > 0 ? Optional.of(new PostmasterPidFile(pid, start, port, status)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
