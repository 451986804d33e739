package io.raftpool.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Map;

/** Test-only: runs one raftpool command line in this JVM and captures what it printed. */
final class CliRun {
    record Result(int exitCode, String out, String err) {}

    private CliRun() {}

    static Result run(Map<String, String> env, Path workingDir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new CliEnvironment(new PrintWriter(out), new PrintWriter(err), env, workingDir,
                ZoneOffset.UTC));
        return new Result(code, out.toString(), err.toString());
    }

    static Result run(Path workingDir, String... args) {
        return run(Map.of(), workingDir, args);
    }

    /** Runs with {@code input} on standard input. */
    static Result runWithInput(String input, Path workingDir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new CliEnvironment(new PrintWriter(out), new PrintWriter(err), Map.of(), workingDir,
                ZoneOffset.UTC, new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        return new Result(code, out.toString(), err.toString());
    }
}
