package io.raftpool.server.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's server from its first start to its promotion: initdb (data checksums on, so
 * pg_rewind works later; the superuser's password in a private file, never in argv) and the
 * replication role, pg_ctl start, stop and reload, a crash (SIGKILL) for the tests and the chaos
 * tool, and pg_promote. Every start rewrites raftpool.conf and pg_hba.conf: a copied data
 * directory carries the source's. Failures of pg_ctl end with the server log's last lines.
 */
record ServerLifecycle(ServerSettings settings, OsCommand os, DataDirectory dataDir, ServerChecks checks,
                       Superuser superuser) {
    private static final Logger log = LoggerFactory.getLogger(ServerLifecycle.class);
    /** pg_ctl has its own -t; ours only guards against pg_ctl itself hanging. */
    private static final Duration PG_CTL_MARGIN = Duration.ofSeconds(15);
    private static final int LOG_LINES_IN_ERRORS = 10;

    void initPrimary(Duration timeout) {
        if (!checks.isInitialized()) {
            initdb(timeout);
        }
        start(timeout);
        ensureReplicationRole(timeout);
    }

    /** On a primary: the role standbys stream as, LOGIN REPLICATION, with replication.password when set. */
    void ensureReplicationRole(Duration timeout) {
        try (Connection c = superuser.connect(timeout)) {
            if (!PgProbe.inRecovery(c)) {
                boolean created = Roles.ensureReplicationRole(c, settings.replicationUser(),
                        settings.replicationPassword());
                log.info("{}: replication role {} {}", settings.nodeName(), settings.replicationUser(),
                        created ? "created" : "checked");
            }
        } catch (SQLException e) {
            throw new PostgresException("cannot set up the replication role " + settings.replicationUser() + " on "
                    + settings.address() + ": " + e.getMessage(), e);
        }
    }

    private void initdb(Duration timeout) {
        checks.requireStopped("initdb");
        os.ensureDirectory(settings.dataDir(), "rwx------");
        List<String> entries = dataDir.someEntries();
        if (!entries.isEmpty()) {
            throw new PostgresException(settings.dataDir() + " is neither empty nor a data directory (no PG_VERSION;"
                    + " it holds " + String.join(", ", entries) + "...): move it away or point data_dir elsewhere");
        }
        Stopwatch took = Stopwatch.start();
        List<String> argv = new ArrayList<>(List.of(settings.bin("initdb").toString(), "-D",
                settings.dataDir().toString(), "-U", settings.superuser(), "--auth-local=trust", "--data-checksums"));
        Path pwfile = null;
        try {
            if (settings.superuserPassword().isPresent()) {
                pwfile = privateTempFile(settings.superuserPassword().get().value() + "\n");
                argv.add("--auth-host=scram-sha-256");
                argv.add("--pwfile=" + pwfile);
            } else {
                // initdb refuses password authentication without a password; pg_hba.conf is ours anyway.
                argv.add("--auth-host=trust");
            }
            os.run(Command.of(timeout, argv).named("initdb"));
        } finally {
            if (pwfile != null) {
                deleteQuietly(pwfile);
            }
        }
        dataDir.ensureIncludeLine();
        log.info("initialized PostgreSQL data directory {} for {} in {} ms", settings.dataDir(), settings.nodeName(),
                took.millis());
    }

    /** A file only the os user can read, for a secret a program takes by file name. */
    private Path privateTempFile(String content) {
        try {
            Path file = Files.createTempFile("raftpool-pw-", "",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content, StandardCharsets.UTF_8);
            os.chown(file);
            return file;
        } catch (IOException e) {
            throw new PostgresException("cannot write a temporary password file: " + e, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot remove temporary file {}: {}", file, e.toString());
        }
    }

    void start(Duration timeout) {
        if (checks.isRunning()) {
            log.debug("{}: PostgreSQL already runs on {}", settings.nodeName(), settings.address());
            return;
        }
        checks.requireInitialized("start");
        if (dataDir.removeStalePidFile()) {
            log.info("{}: removed stale {} (its postmaster is gone)", settings.nodeName(), PostmasterPidFile.FILE_NAME);
        }
        Optional<StandbySource> standby = dataDir.standbySource();
        dataDir.writeManagedFiles(settings, standby);
        ensureLogFile();
        Stopwatch took = Stopwatch.start();
        try {
            os.run(pgCtl("start", timeout, "-l", settings.logFile().toString()));
        } catch (PostgresException e) {
            throw new PostgresException(e.getMessage() + serverLogTail(), e);
        }
        OptionalLong pid = checks.postmasterPid();
        log.info("started PostgreSQL {} on {} (pid {}) as {} in {} ms", settings.nodeName(), settings.address(),
                pid.isPresent() ? Long.toString(pid.getAsLong()) : "?",
                standby.map(s -> "standby of " + s).orElse("primary"), took.millis());
    }

    void stop(StopMode mode, Duration timeout) {
        if (!checks.isRunning()) {
            log.debug("{}: PostgreSQL is not running, nothing to stop", settings.nodeName());
            return;
        }
        Stopwatch took = Stopwatch.start();
        CommandResult result = os.execute(pgCtl("stop", timeout, "-m", mode.pgCtlName()));
        if (!result.succeeded() && checks.isRunning()) {
            throw PostgresException.commandFailed("pg_ctl stop -m " + mode.pgCtlName(), result.exitCode(),
                    result.outputTail(), result.elapsed().toMillis());
        }
        log.info("stopped PostgreSQL {} on {} (mode {}) in {} ms", settings.nodeName(), settings.address(),
                mode.pgCtlName(), took.millis());
    }

    void kill(Duration timeout) {
        OptionalLong pid = checks.postmasterPid();
        if (pid.isEmpty()) {
            log.debug("{}: PostgreSQL is not running, nothing to kill", settings.nodeName());
            return;
        }
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid.getAsLong());
        if (postmaster.isEmpty()) {
            return;
        }
        List<Long> children = postmaster.get().children().map(ProcessHandle::pid).toList();
        Stopwatch took = Stopwatch.start();
        postmaster.get().destroyForcibly();
        boolean gone = await(timeout, () -> !checks.isRunning() && children.stream().allMatch(ServerLifecycle::isGone));
        if (!gone) {
            throw new PostgresException("killed the postmaster of " + settings.nodeName() + " (pid " + pid.getAsLong()
                    + ") but it or its children still run after " + timeout.toMillis() + " ms");
        }
        log.info("killed PostgreSQL {} on {} (pid {}, {} children exited) in {} ms", settings.nodeName(),
                settings.address(), pid.getAsLong(), children.size(), took.millis());
    }

    void reload() {
        if (!checks.isRunning()) {
            return;
        }
        os.run(pgCtl("reload", Duration.ofSeconds(30)));
        log.info("reloaded the configuration of PostgreSQL {} on {}", settings.nodeName(), settings.address());
    }

    Duration promote(Duration timeout) {
        long startNanos = System.nanoTime();
        int waitSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        Duration connectTimeout = Superuser.CONNECT_TIMEOUT.compareTo(timeout) < 0 ? Superuser.CONNECT_TIMEOUT : timeout;
        try (Connection c = superuser.connect(connectTimeout)) {
            if (!PgProbe.inRecovery(c)) {
                log.info("{}: already a primary, nothing to promote", settings.nodeName());
                return Duration.ZERO;
            }
            // pg_promote(wait => true) checks for the end of recovery only every 100 ms; asking
            // ourselves every 5 ms takes that much off every failover.
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_promote(false)");
            }
            boolean promoted = false;
            long deadline = startNanos + Duration.ofSeconds(waitSeconds).toNanos();
            while (System.nanoTime() < deadline) {
                if (!PgProbe.inRecovery(c)) {
                    promoted = true;
                    break;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PostgresException("interrupted while waiting for " + settings.nodeName() + " to promote", e);
                }
            }
            if (!promoted) {
                throw new PostgresException("PostgreSQL " + settings.nodeName() + " on " + settings.address()
                        + " did not leave recovery within " + waitSeconds + " s of pg_promote;"
                        + " it may still finish: probe it, or see " + settings.logFile());
            }
            int timeline = PgProbe.timeline(c);
            Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
            dataDir.writeManagedFiles(settings, Optional.empty());
            log.info("promoted PostgreSQL {} on {} to primary on timeline {} in {} ms", settings.nodeName(),
                    settings.address(), timeline, took.toMillis());
            return took;
        } catch (SQLException e) {
            throw new PostgresException("cannot promote " + settings.nodeName() + " on " + settings.address() + ": "
                    + e.getMessage(), e);
        }
    }

    private Command pgCtl(String action, Duration timeout, String... more) {
        int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        List<String> argv = new ArrayList<>(List.of(settings.bin("pg_ctl").toString(), action, "-D",
                settings.dataDir().toString()));
        if (!action.equals("reload")) {
            argv.addAll(List.of("-w", "-t", Integer.toString(seconds)));
        }
        argv.addAll(List.of(more));
        return Command.of(timeout.plus(PG_CTL_MARGIN), argv).named("pg_ctl " + action);
    }

    private void ensureLogFile() {
        Path file = settings.logFile();
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
            }
            os.chown(file);
        } catch (IOException e) {
            throw new PostgresException("cannot create the server log " + file + " for " + os.user().name() + ": " + e,
                    e);
        }
    }

    private String serverLogTail() {
        try (Stream<String> lines = Files.lines(settings.logFile(), StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            List<String> tail = all.subList(Math.max(0, all.size() - LOG_LINES_IN_ERRORS), all.size());
            return tail.isEmpty() ? "" : "\nserver log " + settings.logFile() + " ends with:\n  "
                    + String.join("\n  ", tail);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "\n(server log " + settings.logFile() + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static boolean isGone(long pid) {
        return ProcessSnapshot.of(pid).map(p -> p.state() == 'Z' || p.state() == 'X').orElse(true);
    }

    /** Polls until the condition holds or the timeout passes; for processes we cannot wait on. */
    private static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return condition.getAsBoolean();
            }
        }
        return true;
    }
}
