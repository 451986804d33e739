package io.raftpool.cli;

import io.raftpool.config.ApiRole;
import io.raftpool.config.TokenHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "hash-token", mixinStandardHelpOptions = true,
        description = {"Reads an API token from standard input (its first line) and prints its salted hash for"
                + " security.tokens[].hash; with --name and --role, the whole tokens[] entry.",
                "e.g. openssl rand -base64 32 > admin.token; raftpool hash-token --name ops --role admin < admin.token"})
final class HashTokenCommand implements Callable<Integer> {
    @ParentCommand
    RaftpoolCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "" + TokenHash.DEFAULT_ITERATIONS,
            description = "PBKDF2 iterations (default ${DEFAULT-VALUE}; allowed " + TokenHash.MIN_ITERATIONS + " to "
                    + TokenHash.MAX_ITERATIONS + ")")
    int iterations;

    @Option(names = "--name", paramLabel = "NAME", description = "the token's name, to print a tokens[] entry")
    String name;

    @Option(names = "--role", paramLabel = "ROLE", description = "read or admin, to print a tokens[] entry")
    String role;

    @Override
    public Integer call() throws IOException {
        if (iterations < TokenHash.MIN_ITERATIONS || iterations > TokenHash.MAX_ITERATIONS) {
            throw new ParameterException(spec.commandLine(), "--iterations " + iterations + " is out of range; allowed: "
                    + TokenHash.MIN_ITERATIONS + " to " + TokenHash.MAX_ITERATIONS);
        }
        if ((name == null) != (role == null)) {
            throw new ParameterException(spec.commandLine(), "give --name and --role together, or neither");
        }
        if (role != null && !role.equals(ApiRole.READ.word()) && !role.equals(ApiRole.ADMIN.word())) {
            throw new ParameterException(spec.commandLine(), "--role '" + role + "' is not allowed; allowed: read, admin");
        }
        String line = new BufferedReader(new InputStreamReader(root.environment().in(), StandardCharsets.UTF_8))
                .readLine();
        String token = line == null ? "" : line.strip();
        if (token.isEmpty()) {
            throw new CommandFailure("no token on standard input; give it there, never on the command line:"
                    + " raftpool hash-token < admin.token");
        }
        String hash = TokenHash.create(token, iterations, new SecureRandom()).format();
        var out = root.environment().out();
        out.println(name == null ? hash
                : "- { name: " + name + ", role: " + role.toLowerCase(Locale.ROOT) + ", hash: \"" + hash + "\" }");
        out.flush();
        return ExitCodes.OK;
    }
}
