package io.raftpool.server.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One program to run: its argv, how long it may take, extra environment (where secrets go:
 * never in argv, which any user can read in ps) and who hears each output line.
 *
 * @param name what the command is called in logs and errors ("pg_ctl start")
 */
public record Command(String name, List<String> argv, Duration timeout, Map<String, String> env,
                      Consumer<String> lineListener) {

    private static final Consumer<String> IGNORE = line -> { };

    public Command {
        Objects.requireNonNull(name, "name");
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program to run");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + ": timeout must be positive, was " + timeout);
        }
        env = Map.copyOf(env);
        Objects.requireNonNull(lineListener, "lineListener");
    }

    public static Command of(Duration timeout, List<String> argv) {
        return new Command(Path.of(argv.get(0)).getFileName().toString(), argv, timeout, Map.of(), IGNORE);
    }

    public static Command of(Duration timeout, String... argv) {
        return of(timeout, List.of(argv));
    }

    public Command named(String newName) {
        return new Command(newName, argv, timeout, env, lineListener);
    }

    public Command withEnv(String key, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(key, value);
        return new Command(name, argv, timeout, more, lineListener);
    }

    /** The libpq programs read their password from PGPASSWORD; without one they try none. */
    Command withPassword(Optional<Password> password) {
        return password.map(p -> withEnv("PGPASSWORD", p.value())).orElse(this);
    }

    public Command onLine(Consumer<String> listener) {
        return new Command(name, argv, timeout, env, listener);
    }

    /** Shows the environment's keys only: its values may be passwords. */
    @Override
    public String toString() {
        return "Command[" + name + ": " + String.join(" ", argv) + ", timeout " + timeout.toMillis() + " ms"
                + (env.isEmpty() ? "" : ", env " + env.keySet()) + "]";
    }
}
