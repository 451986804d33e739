package io.raftpool.server.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the process table says about one pid, read without spawning anything: its state letter
 * ('R', 'S', 'Z' for a zombie...), its executable name and its start time.
 */
record ProcessSnapshot(char state, String executable, Optional<Instant> startTime) {
    /** The start time in postmaster.pid is taken a moment after exec, and in whole seconds. */
    static final Duration START_TIME_TOLERANCE = Duration.ofSeconds(5);

    /**
     * Reads /proc/&lt;pid&gt;/stat on Linux; elsewhere asks {@link ProcessHandle}. Empty when
     * there is no such process.
     */
    static Optional<ProcessSnapshot> of(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            String text;
            try {
                text = Files.readString(stat, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
            int open = text.indexOf('(');
            int close = text.lastIndexOf(')');
            if (open < 0 || close < open || close + 2 >= text.length()) {
                return Optional.empty();
            }
            String comm = text.substring(open + 1, close);
            char state = text.charAt(close + 2);
            Optional<Instant> start = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant());
            return Optional.of(new ProcessSnapshot(state, comm, start));
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> new ProcessSnapshot('R',
                h.info().command().map(c -> Path.of(c).getFileName().toString()).orElse(""),
                h.info().startInstant()));
    }

    /**
     * Whether this process is the postmaster that wrote {@code pidFile}: alive (a zombie is
     * not: nothing may reap an orphaned postmaster), a postgres executable, and started when the
     * file says. A pid reused by another program, or by another server's process, fails one of these.
     */
    boolean isPostmasterOf(PostmasterPidFile pidFile) {
        if (state == 'Z' || state == 'X' || state == 'x') {
            return false;
        }
        if (!executable.equals("postgres") && !executable.equals("postmaster")) {
            return false;
        }
        return startTime.map(t -> Math.abs(t.getEpochSecond() - pidFile.startEpochSecond())
                <= START_TIME_TOLERANCE.toSeconds()).orElse(true);
    }
}
