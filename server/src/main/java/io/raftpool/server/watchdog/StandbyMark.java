package io.raftpool.server.watchdog;

import io.raftpool.server.postgres.PostmasterPidFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the server runs as a standby, told from files alone (the watchdog asks no SQL): its
 * postmaster started with {@code standby.signal} in place, and the file is still there. PostgreSQL
 * reads the file only at start and removes it when a promotion ends, before it takes writes. The
 * start is known from postmaster.pid: written at start (and touched again as the server's status
 * changes), with the start time to the second in it; a signal file newer than either was written
 * after the start, proves nothing, and counts as primary. A standby commits nothing, so the
 * watchdog leaves it alone, as the agent's own fence does.
 */
public final class StandbyMark {
    static final String FILE = "standby.signal";

    private StandbyMark() {}

    static boolean startedAsStandby(Optional<Instant> signalWritten, Optional<Instant> pidFileWritten,
                                    long startEpochSecond) {
        return signalWritten.isPresent() && pidFileWritten.isPresent()
                && signalWritten.get().isBefore(pidFileWritten.get())
                && signalWritten.get().isBefore(Instant.ofEpochSecond(startEpochSecond + 1));
    }

    public static boolean startedAsStandby(Path dataDir) {
        Optional<PostmasterPidFile> pid = PostmasterPidFile.read(dataDir);
        if (pid.isEmpty() || ProcessHandle.of(pid.get().pid()).map(h -> !h.isAlive()).orElse(true)) {
            return false; // a postmaster gone: its leftover backends are fenced whatever they are
        }
        return startedAsStandby(modified(dataDir.resolve(FILE)), modified(dataDir.resolve(PostmasterPidFile.FILE_NAME)),
                pid.get().startEpochSecond());
    }

    private static Optional<Instant> modified(Path file) {
        try {
            return Optional.of(Files.getLastModifiedTime(file).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
