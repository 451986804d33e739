package io.raftpool.chaos.net;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs one short program (iptables, kill) to its end with a timeout; no shell. */
public final class Cmd {
    private Cmd() {}

    public record Result(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        public String line() {
            return String.join(" ", command);
        }
    }

    public static Result run(Duration timeout, List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(command, -1, "cannot start: " + e.getMessage());
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(command, -1, "timed out after " + timeout.toMillis() + " ms");
            }
            return new Result(command, p.exitValue(), output.get(5, TimeUnit.SECONDS).strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(command, -1, "interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new Result(command, p.exitValue(), "(output unreadable: " + e + ")");
        }
    }

    /** Runs it and throws, naming the command and its output, unless it exits 0. */
    public static String check(Duration timeout, List<String> command) {
        Result r = run(timeout, command);
        if (!r.ok()) {
            throw new NetFilterException("`" + r.line() + "` failed (exit " + r.exitCode() + "): " + r.output());
        }
        return r.output();
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
