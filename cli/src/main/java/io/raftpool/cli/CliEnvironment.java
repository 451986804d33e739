package io.raftpool.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;

/**
 * What a command reads from and writes to outside its arguments: the output streams, the
 * environment variables, the working directory and the time zone for local times. Tests pass
 * their own.
 */
public record CliEnvironment(PrintWriter out, PrintWriter err, Map<String, String> env, Path workingDir, ZoneId zone) {

    public CliEnvironment {
        env = Map.copyOf(env);
    }

    public static CliEnvironment system() {
        return new CliEnvironment(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                System.getenv(), Path.of("").toAbsolutePath(), ZoneId.systemDefault());
    }
}
