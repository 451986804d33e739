package io.raftpool.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;

/**
 * What a command reads from and writes to outside its arguments: the output streams, the
 * standard input, the environment variables, the working directory and the time zone for local times. Tests pass
 * their own.
 */
public record CliEnvironment(PrintWriter out, PrintWriter err, Map<String, String> env, Path workingDir, ZoneId zone,
                             InputStream in) {

    public CliEnvironment {
        env = Map.copyOf(env);
    }

    /** An environment whose standard input is empty. */
    public CliEnvironment(PrintWriter out, PrintWriter err, Map<String, String> env, Path workingDir, ZoneId zone) {
        this(out, err, env, workingDir, zone, InputStream.nullInputStream());
    }

    public static CliEnvironment system() {
        return new CliEnvironment(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                System.getenv(), Path.of("").toAbsolutePath(), ZoneId.systemDefault(), System.in);
    }
}
