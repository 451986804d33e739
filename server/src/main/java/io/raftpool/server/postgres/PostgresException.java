package io.raftpool.server.postgres;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A PostgreSQL action that did not do what was asked: a command that failed or timed out, a
 * server that refused, a data directory in the wrong state. When a command failed, the message
 * carries its name, its exit code and the last lines it printed, so an operator can act on the
 * message alone. Never carries a password.
 */
public final class PostgresException extends RuntimeException {
    private final String command;
    private final OptionalInt exitCode;
    private final List<String> outputTail;

    public PostgresException(String message) {
        this(message, null);
    }

    public PostgresException(String message, Throwable cause) {
        super(message, cause);
        this.command = null;
        this.exitCode = OptionalInt.empty();
        this.outputTail = List.of();
    }

    private PostgresException(String message, String command, OptionalInt exitCode, List<String> outputTail) {
        super(message);
        this.command = command;
        this.exitCode = exitCode;
        this.outputTail = List.copyOf(outputTail);
    }

    static PostgresException commandFailed(String command, int exitCode, List<String> tail, long elapsedMillis) {
        return new PostgresException(command + " failed with exit code " + exitCode + " after " + elapsedMillis
                + " ms" + describeTail(tail), command, OptionalInt.of(exitCode), tail);
    }

    static PostgresException commandTimedOut(String command, long timeoutMillis, List<String> tail) {
        return new PostgresException(command + " did not finish within " + timeoutMillis + " ms and was killed"
                + describeTail(tail), command, OptionalInt.empty(), tail);
    }

    /** The command that failed ("pg_ctl start"), when a command failed. */
    public Optional<String> command() {
        return Optional.ofNullable(command);
    }

    /** Empty when the command was killed at its timeout or no command was involved. */
    public OptionalInt exitCode() {
        return exitCode;
    }

    /** The last lines the command printed (stdout and stderr together). */
    public List<String> outputTail() {
        return outputTail;
    }

    private static String describeTail(List<String> tail) {
        return tail.isEmpty() ? "; it printed nothing" : "; last output:\n  " + String.join("\n  ", tail);
    }
}
