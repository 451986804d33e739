package io.raftpool.server.raft;

/** The Raft group refused a command (it did not fit the state, or came from an old leader). */
public final class CommandRefusedException extends RuntimeException {
    public CommandRefusedException(String command, String reason) {
        super(command.toLowerCase() + " refused: " + reason);
    }
}
