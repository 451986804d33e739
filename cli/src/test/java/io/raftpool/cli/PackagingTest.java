package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The systemd units in packaging/ run command lines this CLI accepts, as the unprivileged user,
 * with the VIP's two capabilities on the agent only (README, "Install on three hosts").
 */
class PackagingTest {
    private static final Path UNITS = Path.of("..", "packaging", "systemd");

    @Test
    void theAgentUnitRunsTheAgentUnprivilegedWithOnlyTheVipCapabilities() throws IOException {
        Map<String, List<String>> unit = read("raftpool-agent@.service");

        assertThat(unit.get("User")).containsExactly("raftpool");
        assertThat(unit.get("ExecStart")).containsExactly(
                "/usr/bin/raftpool agent --config /etc/raftpool/raftpool.yaml --node-id %i");
        assertThat(unit.get("AmbientCapabilities")).containsExactly("CAP_NET_ADMIN CAP_NET_RAW");
        assertThat(unit.get("CapabilityBoundingSet")).containsExactly("CAP_NET_ADMIN CAP_NET_RAW");
        assertThat(unit.get("Restart")).containsExactly("always");
        assertThat(unit.get("KillMode")).as("an agent restart must leave PostgreSQL running").containsExactly("process");
        assertParses(unit.get("ExecStart").get(0));
    }

    @Test
    void theProxyUnitHasNoPrivilegeAtAll() throws IOException {
        Map<String, List<String>> unit = read("raftpool-proxy@.service");

        assertThat(unit.get("User")).containsExactly("raftpool");
        assertThat(unit.get("AmbientCapabilities")).containsExactly("");
        assertThat(unit.get("CapabilityBoundingSet")).containsExactly("");
        assertThat(unit.get("Restart")).containsExactly("always");
        assertParses(unit.get("ExecStart").get(0));
    }

    /** The command line after the program, with the instance filled in, parses (and JSON logging is accepted). */
    private static void assertParses(String execStart) {
        List<String> args = new ArrayList<>(Arrays.asList(execStart.replace("%i", "0").split(" ")));
        assertThat(args.remove(0)).isEqualTo("/usr/bin/raftpool");
        CommandLine cli = new CommandLine(new RaftpoolCommand(CliEnvironment.system()));
        cli.parseArgs(args.toArray(String[]::new));
        args.addAll(List.of("--log-format", "json"));
        cli.parseArgs(args.toArray(String[]::new));
    }

    /** key to values, in file order; comments and section headers left out. */
    private static Map<String, List<String>> read(String name) throws IOException {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(UNITS.resolve(name))) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("[")) {
                continue;
            }
            int eq = line.indexOf('=');
            entries.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
        }
        return entries;
    }
}
