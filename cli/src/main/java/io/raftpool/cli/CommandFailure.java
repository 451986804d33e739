package io.raftpool.cli;

/** A command could not do what was asked; the message says why and what is allowed. Exit code 1. */
public final class CommandFailure extends RuntimeException {
    public CommandFailure(String message) {
        super(message);
    }
}
