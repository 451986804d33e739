package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wrong command lines exit with 2 and say what is wrong, before any config is read. */
class UsageTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                          | a command is needed, one of: pool-nodes, watchdog-info",
        "pool-node                   | Did you mean: raftpool pool-nodes",
        "node-info                   | Missing required parameter: 'N'",
        "node-info one               | Invalid value for positional parameter at index 0 (N): 'one' is not an int",
        "events --limit 0            | --limit 0 is not allowed; give 1 or more",
        "promote-node 1 --timeout 0  | --timeout 0 is not allowed; give 1 or more seconds",
        "pool-nodes --jsn            | Possible solutions: --json",
        "agent --node-id 0 --log-format xml | 'xml' is not a log format; allowed: text, json",
        "status --events -1          | --events -1 is not allowed; give 0 or more"})
    void aWrongCommandLineIsAUsageError(String line, String message) {
        String[] args = line.isBlank() ? new String[0] : line.trim().split("\\s+");
        CliRun.Result r = CliRun.run(dir, args);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void helpListsTheCommandsAndTheExitCodes() {
        CliRun.Result r = CliRun.run(dir, "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("pool-nodes", "watchdog-info", "node-info", "events", "promote-node",
                "detach-node", "attach-node", "3 no agent answered");
    }
}
