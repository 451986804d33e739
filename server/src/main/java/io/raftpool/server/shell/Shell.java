package io.raftpool.server.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a user-given command line (a hook, a VIP template) through {@code /bin/sh -c} as the
 * agent's own OS user, with a timeout. Never throws: the result says how it ended. (PostgreSQL's
 * programs go through the postgres package's OsCommand, which runs them as the database user.)
 */
public final class Shell {
    private static final int TAIL_LINES = 5;

    private Shell() {}

    /** How a command ended; {@code exitCode} is -1 when it timed out or could not start. */
    public record Result(int exitCode, long elapsedMs, String tail) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    public static Result run(String commandLine, Duration timeout, Consumer<String> eachLine) {
        long start = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder("/bin/sh", "-c", commandLine).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(-1, elapsed(start), "cannot start /bin/sh: " + e.getMessage());
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    eachLine.accept(line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process was killed: its output ends here
            }
        }, "shell-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Result(-1, elapsed(start), "timed out after " + timeout.toMillis() + " ms");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(-1, elapsed(start), "interrupted");
        }
        synchronized (tail) {
            return new Result(p.exitValue(), elapsed(start), String.join(" | ", tail));
        }
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
