package io.raftpool.server.postgres;

import java.time.Duration;
import java.util.List;

/** How a command ended: its exit code, the last lines it printed, how long it ran. */
public record CommandResult(int exitCode, List<String> outputTail, Duration elapsed) {
    public CommandResult {
        outputTail = List.copyOf(outputTail);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}
