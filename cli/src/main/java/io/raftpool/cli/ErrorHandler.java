package io.raftpool.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Prints what went wrong to stderr, prefixed with the command, and picks the exit code. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception error, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + error.getMessage());
        if (!ExitCodes.isExplained(error)) {
            error.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.of(error);
    }
}
