package io.raftpool.server.postgres;

import io.raftpool.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs programs as one OS user. PostgreSQL refuses to run as root, and raftpool often runs as
 * root (to move a virtual IP): then every command is prefixed with {@code setpriv} to drop to
 * that user. When the JVM is not root it can only run commands as itself.
 *
 * <p>Output (stdout and stderr together) goes line by line to the command's listener and to
 * the debug log; the last lines are kept for the result and for error messages.
 */
public final class OsCommand {
    private static final Logger log = LoggerFactory.getLogger(OsCommand.class);
    private static final int TAIL_LINES = 20;
    /** How long to wait for output after exit: a grandchild that kept our pipe must not hang us. */
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);

    private final OsUser user;
    private final List<String> prefix;
    private final boolean chownNeeded;

    private OsCommand(OsUser user, List<String> prefix, boolean chownNeeded) {
        this.user = user;
        this.prefix = List.copyOf(prefix);
        this.chownNeeded = chownNeeded;
    }

    /**
     * A runner for {@code osUser}. As root, commands switch to that user; otherwise the JVM must
     * already be that user, or this fails naming both users and the way out.
     */
    public static OsCommand forUser(String osUser) {
        OsUser target = OsUser.lookup(osUser);
        if (OsUser.jvmIsRoot()) {
            if (target.isRoot()) {
                throw new ConfigException("postgres.os_user: 'root' cannot run PostgreSQL (it refuses to);"
                        + " name the unprivileged user that owns the data directory, e.g. postgres");
            }
            return new OsCommand(target, List.of("setpriv", "--reuid=" + target.name(), "--regid=" + target.group(),
                    "--init-groups", "--"), true);
        }
        OsUser self = OsUser.current();
        if (self.uid() != target.uid()) {
            throw new ConfigException("postgres.os_user: '" + osUser + "', but raftpool runs as '" + self.name()
                    + "' (uid " + self.uid() + "), not root, so it cannot act as another user; run raftpool as root"
                    + " or as '" + osUser + "', or set os_user to '" + self.name() + "'");
        }
        return new OsCommand(target, List.of(), false);
    }

    public OsUser user() {
        return user;
    }

    /** Runs the command; a non-zero exit or a timeout throws {@link PostgresException}. */
    public CommandResult run(Command command) {
        CommandResult result = execute(command);
        if (!result.succeeded()) {
            throw PostgresException.commandFailed(command.name(), result.exitCode(), result.outputTail(),
                    result.elapsed().toMillis());
        }
        return result;
    }

    /** {@code command} as it runs as the os user: behind setpriv when raftpool runs as root. */
    public List<String> argv(List<String> command) {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(command);
        return argv;
    }

    /**
     * Runs the command and returns how it ended, non-zero exit included. A timeout kills it
     * (and whatever it started that still runs under it) and throws {@link PostgresException}.
     */
    public CommandResult execute(Command command) {
        List<String> argv = argv(command.argv());
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(new File("/"))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        // The JVM's own PG* settings (PGHOST, PGPASSWORD...) must not leak into commands aimed elsewhere.
        env.keySet().removeIf(key -> key.startsWith("PG"));
        env.put("LC_MESSAGES", "C");
        env.putAll(command.env());

        log.debug("running {} as {}: {}", command.name(), user.name(), command.argv());
        long startNanos = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new PostgresException("cannot start " + command.name() + " (" + command.argv().get(0) + "): "
                    + e.getMessage(), e);
        }
        OutputTail tail = new OutputTail(TAIL_LINES);
        Thread reader = new Thread(() -> readLines(process.getInputStream(), command, tail),
                "output-" + command.name().replace(' ', '-'));
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                reader.join(DRAIN_AFTER_EXIT.toMillis());
                throw PostgresException.commandTimedOut(command.name(), command.timeout().toMillis(), tail.lines());
            }
            reader.join(DRAIN_AFTER_EXIT.toMillis());
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new PostgresException(command.name() + " was interrupted and killed", e);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        int exit = process.exitValue();
        log.debug("{} exited with {} after {} ms", command.name(), exit, elapsed.toMillis());
        return new CommandResult(exit, tail.lines(), elapsed);
    }

    /** Makes the os user (and its primary group) own {@code path}. Nothing to do when not root. */
    public void chown(Path path) {
        if (!chownNeeded) {
            return;
        }
        try {
            UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
            GroupPrincipal group = users.lookupPrincipalByGroupName(user.group());
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            view.setOwner(users.lookupPrincipalByName(user.name()));
            view.setGroup(group);
        } catch (IOException e) {
            throw new PostgresException("cannot give " + path + " to " + user.name() + ":" + user.group() + ": " + e, e);
        }
    }

    /**
     * Creates {@code dir} (and missing parents, mode 755) owned by the os user, and sets the
     * directory's mode to {@code mode} ("rwx------" for a data directory), whether it existed or not.
     */
    public void ensureDirectory(Path dir, String mode) {
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
        try {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                ensureDirectory(parent, "rwxr-xr-x");
            }
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir);
            }
            chown(dir);
            Files.setPosixFilePermissions(dir, perms);
        } catch (IOException e) {
            throw new PostgresException("cannot create directory " + dir + " for " + user.name() + ": " + e, e);
        }
    }

    /**
     * Writes {@code text} to {@code file} atomically (a temporary sibling renamed over it), owned
     * by the os user with {@code mode}. Readers never see a half-written file.
     */
    public void writeFile(Path file, String text, String mode) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".raftpool-tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            chown(tmp);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original failure is the one to report
            }
            throw new PostgresException("cannot write " + file + ": " + e, e);
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Splits on \n and on \r: progress meters redraw a line with \r. */
    private static void readLines(InputStream in, Command command, OutputTail tail) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n' || b == '\r') {
                        emit(line, command, tail);
                    } else {
                        line.write(b);
                    }
                }
            }
            emit(line, command, tail);
        } catch (IOException e) {
            if (!"Stream closed".equals(e.getMessage())) {
                throw new UncheckedIOException("reading output of " + command.name(), e);
            }
        }
    }

    private static void emit(ByteArrayOutputStream buffer, Command command, OutputTail tail) {
        if (buffer.size() == 0) {
            return;
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        buffer.reset();
        tail.add(text);
        log.debug("{}: {}", command.name(), text);
        try {
            command.lineListener().accept(text);
        } catch (RuntimeException e) {
            log.warn("{}: output listener failed on a line, output reading goes on: {}", command.name(), e.toString());
        }
    }
}
