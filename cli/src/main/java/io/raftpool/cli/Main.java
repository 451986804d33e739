package io.raftpool.cli;

import picocli.CommandLine;

/** The {@code raftpool} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, CliEnvironment.system()));
    }

    /** Runs one command line and returns its exit code (see {@link ExitCodes}). */
    public static int run(String[] args, CliEnvironment environment) {
        CommandLine cli = new CommandLine(new RaftpoolCommand(environment))
                .setOut(environment.out())
                .setErr(environment.err())
                .setExecutionExceptionHandler(new ErrorHandler());
        int code = cli.execute(args);
        environment.out().flush();
        environment.err().flush();
        return code;
    }
}
