package io.raftpool.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one short program (ip, psql, arping) to its end, with a timeout, and keeps its whole
 * output. No shell: the arguments go to the program as they are.
 */
public final class Exec {
    private Exec() {}

    /** How a program ended; {@code exitCode} is -1 when it timed out or could not start. */
    public record Result(List<String> command, int exitCode, String output, long elapsedMs) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The output, or a failure that names the command, its exit code and what it printed. */
        public String orThrow() {
            if (!ok()) {
                throw new HarnessException("`" + String.join(" ", command) + "` failed (exit " + exitCode + "): "
                        + output.strip());
            }
            return output;
        }
    }

    public static Result run(Duration timeout, List<String> command) {
        long start = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(command, -1, "cannot start: " + e.getMessage(), elapsedMs(start));
        }
        // Read while it runs: a full pipe would otherwise stall the program until the timeout.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(command, -1, "timed out after " + timeout.toMillis() + " ms; "
                        + output.getNow(""), elapsedMs(start));
            }
            return new Result(command, p.exitValue(), output.get(5, TimeUnit.SECONDS), elapsedMs(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new HarnessException("interrupted while running " + String.join(" ", command), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new Result(command, p.exitValue(), "(output unreadable: " + e + ")", elapsedMs(start));
        }
    }

    public static Result run(Duration timeout, String... command) {
        return run(timeout, List.of(command));
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
