package io.raftpool.harness;

import io.raftpool.server.security.CliCredentials;
import com.google.protobuf.MessageLite;
import io.raftpool.api.AdminClient;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.NodeConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * The admin API, asked from inside a network namespace on behalf of a process outside it (a
 * test JVM cannot reach addresses that exist only in namespaces). Runs as
 * {@code ip netns exec NS java ... AdminRelay --config FILE} (or {@code host:port...}, plaintext)
 * and answers one request per stdin
 * line: {@code <seq> state} or {@code <seq> raft host:port}, with one stdout line
 * {@code @@relay <seq> ok <base64 protobuf>} or {@code @@relay <seq> error <message>}. Other
 * stdout lines (logging) are not answers. See {@link RelayedAdmin} for the other end.
 */
public final class AdminRelay {
    static final String MARK = "@@relay";

    private AdminRelay() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || (args[0].equals("--config") && args.length != 2)) {
            System.err.println("usage: AdminRelay --config FILE | host:port...   (the cluster's config, or the agents'"
                    + " admin addresses)");
            System.exit(2);
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        try (AdminClient admin = client(args);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                List<String> words = List.of(line.trim().split("\\s+"));
                if (words.size() < 2) {
                    continue;
                }
                String seq = words.get(0);
                out.println(MARK + " " + seq + " " + answer(admin, words));
            }
        }
    }

    /** With {@code --config FILE}: every agent of the config, with its security (TLS, the CLI's token). */
    private static AdminClient client(String[] args) {
        if (!args[0].equals("--config")) {
            return AdminClient.connect(Arrays.asList(args), Duration.ofMillis(800));
        }
        ClusterConfig config = ConfigLoader.load(Path.of(args[1]));
        return AdminClient.connect(config.nodes().stream().map(NodeConfig::adminAddress).toList(), Duration.ofMillis(800),
                CliCredentials.of(config));
    }

    private static String answer(AdminClient admin, List<String> words) {
        return switch (words.get(1)) {
            case "state" -> encode(() -> admin.getState());
            case "raft" -> words.size() == 3 ? encode(() -> admin.getRaftInfo(words.get(2))) : "error raft needs host:port";
            default -> "error unknown request '" + words.get(1) + "'";
        };
    }

    private static String encode(Supplier<? extends MessageLite> call) {
        try {
            return "ok " + Base64.getEncoder().encodeToString(call.get().toByteArray());
        } catch (RuntimeException e) {
            return "error " + String.valueOf(e.getMessage()).replace('\n', ' ');
        }
    }
}
