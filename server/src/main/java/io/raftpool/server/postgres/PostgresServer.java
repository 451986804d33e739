package io.raftpool.server.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's PostgreSQL server: everything raftpool does to it (initdb, start, stop, kill,
 * promote, pg_basebackup, pg_rewind, slots, probes) goes through here.
 *
 * <p>Actions are serialized (one at a time per server); the cheap checks
 * ({@link #isRunning()}, {@link #postmasterPid()}, {@link #isInitialized()}) read files only and
 * never wait for an action, so the agent can poll them every 100 ms.
 *
 * <p>Programs run as the configured os user (see {@link OsCommand}); the server's log goes to
 * {@link ServerSettings#logFile()}, by default {@code <dataDir>.log}. Every start rewrites
 * raftpool.conf and pg_hba.conf for this node: a copied data directory carries the source's.
 */
public final class PostgresServer {
    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);
    private static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration DEFAULT_COPY_TIMEOUT = Duration.ofHours(24);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** pg_ctl has its own -t; ours only guards against pg_ctl itself hanging. */
    private static final Duration PG_CTL_MARGIN = Duration.ofSeconds(15);
    private static final int LOG_LINES_IN_ERRORS = 10;
    private static final DateTimeFormatter ASIDE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final ServerSettings settings;
    private final OsCommand os;
    private final DataDirectory dataDir;
    private final Clock clock;

    public PostgresServer(ServerSettings settings) {
        this(settings, OsCommand.forUser(settings.osUser()), Clock.systemUTC());
    }

    public PostgresServer(ServerSettings settings, OsCommand os, Clock clock) {
        this.settings = settings;
        this.os = os;
        this.dataDir = new DataDirectory(settings.dataDir(), os);
        this.clock = clock;
        if (settings.hba().isEmpty() && (settings.superuserPassword().isEmpty()
                || settings.replicationPassword().isEmpty())) {
            log.warn("{}: no password for {}: the default pg_hba.conf trusts its loopback connections",
                    settings.nodeName(), settings.superuserPassword().isEmpty() ? "the superuser" : "replication");
        }
    }

    public ServerSettings settings() {
        return settings;
    }

    public OsCommand os() {
        return os;
    }

    // ---- cheap checks: files and /proc only, no process spawned, no lock taken ----

    public boolean isInitialized() {
        return dataDir.isInitialized();
    }

    /** The postmaster's pid, if postmaster.pid names a live postgres process started when the file says. */
    public OptionalLong postmasterPid() {
        Optional<PostmasterPidFile> file = PostmasterPidFile.read(settings.dataDir());
        if (file.isEmpty()) {
            return OptionalLong.empty();
        }
        PostmasterPidFile f = file.get();
        boolean alive = ProcessSnapshot.of(f.pid()).map(p -> p.isPostmasterOf(f)).orElse(false);
        return alive ? OptionalLong.of(f.pid()) : OptionalLong.empty();
    }

    public boolean isRunning() {
        return postmasterPid().isPresent();
    }

    /** Whether the data directory is set up to start as a standby (standby.signal). */
    public boolean isConfiguredAsStandby() {
        return dataDir.hasStandbySignal();
    }

    /** The primary this server is configured to follow, if it is configured as a standby. */
    public Optional<StandbySource> standbySource() {
        return dataDir.standbySource();
    }

    // ---- actions ----

    public void initPrimary() {
        initPrimary(DEFAULT_STEP_TIMEOUT);
    }

    /**
     * Makes this a running primary with the replication role in place: initdb when there is no
     * data directory yet (data checksums on, so pg_rewind works later), then start. Run again
     * on an initialized directory, it only makes sure the server runs and, on a primary, that
     * the replication role exists with the configured password.
     *
     * @param timeout for each step (initdb, start, connect)
     */
    public synchronized void initPrimary(Duration timeout) {
        if (!isInitialized()) {
            initdb(timeout);
        }
        start(timeout);
        try (Connection c = connect(timeout)) {
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

    /**
     * Starts the server and waits until it accepts connections (a standby: until it is
     * consistent), rewriting raftpool.conf and pg_hba.conf first. Does nothing if it runs.
     * If pg_ctl gives up waiting, the server may still be starting: the exception says so and
     * {@link #isRunning()} tells.
     */
    public synchronized void start(Duration timeout) {
        if (isRunning()) {
            log.debug("{}: PostgreSQL already runs on {}", settings.nodeName(), settings.address());
            return;
        }
        requireInitialized("start");
        if (dataDir.removeStalePidFile()) {
            log.info("{}: removed stale {} (its postmaster is gone)", settings.nodeName(), PostmasterPidFile.FILE_NAME);
        }
        Optional<StandbySource> standby = dataDir.standbySource();
        dataDir.writeManagedFiles(settings, standby);
        ensureLogFile();
        long startNanos = System.nanoTime();
        try {
            os.run(pgCtl("start", timeout, "-l", settings.logFile().toString()));
        } catch (PostgresException e) {
            throw new PostgresException(e.getMessage() + serverLogTail(), e);
        }
        OptionalLong pid = postmasterPid();
        log.info("started PostgreSQL {} on {} (pid {}) as {} in {} ms", settings.nodeName(), settings.address(),
                pid.isPresent() ? Long.toString(pid.getAsLong()) : "?",
                standby.map(s -> "standby of " + s).orElse("primary"), millisSince(startNanos));
    }

    /** Stops the server; nothing to do (and no error) when it is not running. */
    public synchronized void stop(StopMode mode, Duration timeout) {
        if (!isRunning()) {
            log.debug("{}: PostgreSQL is not running, nothing to stop", settings.nodeName());
            return;
        }
        long startNanos = System.nanoTime();
        CommandResult result = os.execute(pgCtl("stop", timeout, "-m", mode.pgCtlName()));
        if (!result.succeeded() && isRunning()) {
            throw PostgresException.commandFailed("pg_ctl stop -m " + mode.pgCtlName(), result.exitCode(),
                    result.outputTail(), result.elapsed().toMillis());
        }
        log.info("stopped PostgreSQL {} on {} (mode {}) in {} ms", settings.nodeName(), settings.address(),
                mode.pgCtlName(), millisSince(startNanos));
    }

    public void kill() {
        kill(Duration.ofSeconds(10));
    }

    /**
     * SIGKILLs the postmaster, as a crash would, and waits until it and the processes it had
     * started are gone (they notice its death and exit), so that a start right after works.
     */
    public synchronized void kill(Duration timeout) {
        OptionalLong pid = postmasterPid();
        if (pid.isEmpty()) {
            log.debug("{}: PostgreSQL is not running, nothing to kill", settings.nodeName());
            return;
        }
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid.getAsLong());
        if (postmaster.isEmpty()) {
            return;
        }
        List<Long> children = postmaster.get().children().map(ProcessHandle::pid).toList();
        long startNanos = System.nanoTime();
        postmaster.get().destroyForcibly();
        boolean gone = await(timeout, () -> !isRunning() && children.stream().allMatch(PostgresServer::isGone));
        if (!gone) {
            throw new PostgresException("killed the postmaster of " + settings.nodeName() + " (pid " + pid.getAsLong()
                    + ") but it or its children still run after " + timeout.toMillis() + " ms");
        }
        log.info("killed PostgreSQL {} on {} (pid {}, {} children exited) in {} ms", settings.nodeName(),
                settings.address(), pid.getAsLong(), children.size(), millisSince(startNanos));
    }

    /** Makes a running server reread its configuration. Nothing to do when it is not running. */
    public synchronized void reload() {
        if (!isRunning()) {
            return;
        }
        os.run(pgCtl("reload", Duration.ofSeconds(30)));
        log.info("reloaded the configuration of PostgreSQL {} on {}", settings.nodeName(), settings.address());
    }

    /**
     * Makes this server a standby of {@code primaryHost:primaryPort} through slot
     * {@code slotName}: standby.signal and raftpool.conf's standby section. A running standby
     * is reloaded and so repoints at once (PostgreSQL 13+); a running primary becomes a standby
     * only when restarted (and, having diverged, after {@link #rewindFrom}).
     */
    public synchronized void configureAsStandby(String primaryHost, int primaryPort, String slotName) {
        requireInitialized("configure as a standby");
        StandbySource source = new StandbySource(primaryHost, primaryPort, slotName);
        dataDir.writeManagedFiles(settings, Optional.of(source));
        log.info("{}: configured as standby of {}", settings.nodeName(), source);
        reload();
    }

    /** Drops standby.signal and the standby section: the next start is as a primary. */
    public synchronized void configureAsPrimary() {
        requireInitialized("configure as a primary");
        dataDir.writeManagedFiles(settings, Optional.empty());
        log.info("{}: configured as primary", settings.nodeName());
        reload();
    }

    /**
     * Promotes this standby and waits until it accepts writes. Returns at once if it already
     * does. Leaves raftpool.conf without a standby section.
     *
     * @return how long the promotion took (zero if there was nothing to do)
     */
    public synchronized Duration promote(Duration timeout) {
        long startNanos = System.nanoTime();
        int waitSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        try (Connection c = connect(CONNECT_TIMEOUT.compareTo(timeout) < 0 ? CONNECT_TIMEOUT : timeout)) {
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

    public void baseBackupFrom(String host, int port, String slotName, ProgressListener progress) {
        baseBackupFrom(host, port, slotName, progress, DEFAULT_COPY_TIMEOUT);
    }

    /**
     * Builds this server's data directory as a copy of {@code host:port} with pg_basebackup and
     * configures it as a standby of that server through {@code slotName} (made on the source
     * first if missing, so it holds WAL from the start of the copy). The data directory must be
     * empty or absent: {@link #moveDataDirAside()} first. Does not start the server.
     */
    public synchronized void baseBackupFrom(String host, int port, String slotName, ProgressListener progress,
                                            Duration timeout) {
        StandbySource source = new StandbySource(host, port, slotName);
        requireStopped("pg_basebackup into its data directory");
        List<String> entries = dataDir.someEntries();
        if (!entries.isEmpty()) {
            throw new PostgresException("data directory " + settings.dataDir() + " is not empty (it holds "
                    + String.join(", ", entries) + "...); pg_basebackup needs an empty one:"
                    + " move it aside first (moveDataDirAside) or remove it");
        }
        os.ensureDirectory(settings.dataDir(), "rwx------");
        ensureSlotOn(source);
        long startNanos = System.nanoTime();
        List<String> argv = List.of(settings.bin("pg_basebackup").toString(), "-h", host, "-p", Integer.toString(port),
                "-U", settings.replicationUser(), "-D", settings.dataDir().toString(), "-X", "stream", "-c", "fast",
                "-P", "-S", slotName, "-w");
        Command command = withPassword(Command.of(timeout, argv).named("pg_basebackup"), settings.replicationPassword())
                .onLine(line -> CopyProgress.parse(line).ifPresent(progress::onProgress));
        os.run(command);
        dataDir.writeManagedFiles(settings, Optional.of(source));
        log.info("built PostgreSQL {}'s data directory with pg_basebackup from {} in {} ms", settings.nodeName(),
                source, millisSince(startNanos));
    }

    public void rewindFrom(String host, int port, String slotName) {
        rewindFrom(host, port, slotName, false, ProgressListener.NONE);
    }

    /**
     * Rewinds this stopped server's data directory to where {@code host:port}'s timeline forked
     * from it (pg_rewind; a server stopped uncleanly is first recovered by pg_rewind itself),
     * then configures it as a standby of that server through {@code slotName}, made on the
     * source first if missing. Does not start the server.
     *
     * @param restoreTargetWal pass --restore-target-wal: fetch missing WAL with restore_command
     */
    public synchronized void rewindFrom(String host, int port, String slotName, boolean restoreTargetWal,
                                        ProgressListener progress) {
        StandbySource source = new StandbySource(host, port, slotName);
        requireStopped("pg_rewind");
        requireInitialized("rewind");
        requireRewindable(source);
        ensureSlotOn(source);
        checkpointOn(source);
        String sourceServer = "host=" + PgSyntax.conninfoValue(host) + " port=" + port + " user="
                + PgSyntax.conninfoValue(settings.superuser()) + " dbname=postgres connect_timeout=10";
        List<String> argv = new ArrayList<>(List.of(settings.bin("pg_rewind").toString(),
                "--target-pgdata=" + settings.dataDir(), "--source-server=" + sourceServer, "--progress"));
        if (restoreTargetWal) {
            argv.add("--restore-target-wal");
        }
        long startNanos = System.nanoTime();
        Command command = withPassword(Command.of(DEFAULT_COPY_TIMEOUT, argv).named("pg_rewind"),
                settings.superuserPassword())
                .onLine(line -> CopyProgress.parse(line).ifPresent(progress::onProgress));
        os.run(command);
        dataDir.writeManagedFiles(settings, Optional.of(source));
        log.info("rewound PostgreSQL {} from {} in {} ms", settings.nodeName(), source, millisSince(startNanos));
    }

    /**
     * pg_rewind first finishes an unclean server's crash recovery in single-user mode, which ends
     * with a checkpoint record of its own. On the source's timeline that record is WAL the source
     * does not have, and pg_rewind, which compares timelines, not the WAL on one, would call the
     * server rewound: it would stream garbage and fail at promotion. Refused; the caller copies.
     */
    private void requireRewindable(StandbySource source) {
        ControlData control = controlData();
        if (control.cleanlyShutDown()) {
            return;
        }
        PgEndpoint endpoint = superuserAt(source.host(), source.port());
        int sourceTimeline;
        try (Connection c = PgProbe.connect(endpoint, CONNECT_TIMEOUT)) {
            sourceTimeline = PgProbe.timeline(c);
        } catch (SQLException e) {
            throw new PostgresException("cannot read the timeline of " + endpoint.address() + ": " + e.getMessage(), e);
        }
        if (sourceTimeline == control.timeline()) {
            throw new PostgresException("pg_rewind cannot rebuild " + settings.nodeName() + ": it stopped uncleanly ("
                    + control.clusterState() + ") on the source's own timeline " + sourceTimeline
                    + ", where its crash recovery would write WAL the source does not have");
        }
    }

    /**
     * Whether this stopped server's WAL goes past the point where {@code host:port}'s timeline
     * forked from it (see {@link Divergence}); when it does not, {@link #followWithoutRewind} is
     * enough. Any doubt (no control file, WAL that pg_waldump cannot read to its end) says diverged.
     */
    public synchronized Divergence divergenceFrom(String host, int port) {
        requireStopped("compare the WAL of");
        requireInitialized("compare the WAL of");
        ControlData control = controlData();
        CommandResult dump = os.execute(Command.of(DEFAULT_STEP_TIMEOUT, settings.bin("pg_waldump").toString(), "--quiet",
                "--path=" + settings.dataDir().resolve("pg_wal"), "--timeline=" + control.timeline(),
                "--start=" + Divergence.lsn(control.checkpointLsn())).named("pg_waldump"));
        PgEndpoint endpoint = superuserAt(host, port);
        try (Connection c = PgProbe.connect(endpoint, CONNECT_TIMEOUT)) {
            int sourceTimeline = PgProbe.timeline(c);
            long sourceLsn;
            try (var rs = c.createStatement().executeQuery("select pg_current_wal_lsn()::text")) {
                rs.next();
                sourceLsn = ControlData.parseLsn(rs.getString(1));
            }
            String history = "";
            if (sourceTimeline > 1) {
                try (var rs = c.createStatement().executeQuery(String.format(
                        "select pg_read_file('pg_wal/%08X.history')", sourceTimeline))) {
                    rs.next();
                    history = rs.getString(1);
                }
            }
            return Divergence.of(control, Divergence.lastRecordStart(dump.outputTail()), sourceTimeline, sourceLsn,
                    history);
        } catch (SQLException e) {
            throw new PostgresException("cannot read the timeline history of " + endpoint.address() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Sets up this stopped server, whose WAL did not diverge from {@code host:port}'s, as its
     * standby through {@code slotName} (made on the source first if missing). Its next start
     * replays its own WAL, then follows the source across the timeline switch. Does not start it.
     */
    public synchronized void followWithoutRewind(String host, int port, String slotName) {
        StandbySource source = new StandbySource(host, port, slotName);
        requireStopped("configure as a standby");
        requireInitialized("configure as a standby");
        ensureSlotOn(source);
        dataDir.writeManagedFiles(settings, Optional.of(source));
        log.info("{}: set up as standby of {} without rewind (its WAL did not diverge)", settings.nodeName(), source);
    }

    /** pg_controldata of the data directory (meant for a stopped server). */
    public ControlData controlData() {
        requireInitialized("read pg_controldata of");
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        os.run(Command.of(DEFAULT_STEP_TIMEOUT, settings.bin("pg_controldata").toString(), settings.dataDir().toString())
                .named("pg_controldata").onLine(lines::add));
        return ControlData.parse(lines);
    }

    /**
     * Renames the data directory to {@code <dataDir>.old-<UTC timestamp>} so it can be rebuilt
     * while the old one stays for inspection. Empty when there is no data directory.
     */
    public synchronized Optional<Path> moveDataDirAside() {
        requireStopped("move its data directory");
        Path dir = settings.dataDir();
        if (!Files.exists(dir)) {
            return Optional.empty();
        }
        String base = dir.getFileName() + ".old-" + ASIDE_STAMP.format(clock.instant());
        Path target = dir.resolveSibling(base);
        for (int n = 1; Files.exists(target); n++) {
            target = dir.resolveSibling(base + "-" + n);
        }
        try {
            Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new PostgresException("cannot move " + dir + " aside to " + target + ": " + e, e);
        }
        log.info("{}: moved data directory {} aside to {}", settings.nodeName(), dir, target);
        return Optional.of(target);
    }

    /**
     * Deletes a directory this server owns: its data directory (when stopped) or one that
     * {@link #moveDataDirAside()} made. Anything else is refused, so a wrong path cannot wipe
     * unrelated files. Nothing to do when it does not exist.
     */
    public synchronized void removeDir(Path dir) {
        Path data = settings.dataDir().toAbsolutePath().normalize();
        Path target = dir.toAbsolutePath().normalize();
        boolean isData = target.equals(data);
        boolean isAside = data.getParent() != null && data.getParent().equals(target.getParent())
                && target.getFileName().toString().startsWith(data.getFileName() + ".old-");
        if (!isData && !isAside) {
            throw new PostgresException("refusing to remove " + dir + ": only " + data + " or a "
                    + data.getFileName() + ".old-* sibling made by moveDataDirAside may be removed");
        }
        if (isData) {
            requireStopped("remove its data directory");
        }
        if (!Files.exists(target)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(target)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new PostgresException("cannot remove " + target + ": " + e, e);
        }
        log.info("{}: removed {}", settings.nodeName(), target);
    }

    /** Makes sure this server (a primary) has physical slot {@code slotName}, holding WAL. */
    public synchronized void ensureSlot(String slotName) {
        SlotNames.requireValid(slotName);
        try (Connection c = connect(CONNECT_TIMEOUT)) {
            ReplicationSlots.Action action = ReplicationSlots.ensure(c, slotName);
            if (action != ReplicationSlots.Action.NONE) {
                log.info("{}: replication slot {} {}", settings.nodeName(), slotName,
                        action == ReplicationSlots.Action.CREATE ? "created" : "recreated (it had lost its WAL)");
            }
        } catch (SQLException e) {
            throw new PostgresException("cannot make replication slot " + slotName + " on " + settings.address()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Drops slot {@code slotName} if it exists; refuses while a standby streams through it. */
    public synchronized void dropSlot(String slotName) {
        SlotNames.requireValid(slotName);
        try (Connection c = connect(CONNECT_TIMEOUT)) {
            if (ReplicationSlots.drop(c, slotName)) {
                log.info("{}: replication slot {} dropped", settings.nodeName(), slotName);
            }
        } catch (SQLException e) {
            throw new PostgresException("cannot drop replication slot " + slotName + " on " + settings.address()
                    + ": " + e.getMessage(), e);
        }
    }

    // ---- connections ----

    /** A probe of this server as its superuser, over a new connection; never throws. */
    public ProbeResult probe(Duration timeout) {
        return PgProbe.probe(settings.superuserEndpoint(), timeout);
    }

    /** A new superuser connection to this server; the caller closes it. */
    public Connection connect(Duration timeout) {
        return PgProbe.connect(settings.superuserEndpoint(), timeout);
    }

    /** The server's current timeline (see {@link PgProbe#timeline(Connection)}). */
    public int timeline(Duration timeout) {
        try (Connection c = connect(timeout)) {
            return PgProbe.timeline(c);
        } catch (SQLException e) {
            throw new PostgresException("cannot read the timeline of " + settings.address() + ": " + e.getMessage(), e);
        }
    }

    // ---- helpers ----

    private void initdb(Duration timeout) {
        requireStopped("initdb");
        os.ensureDirectory(settings.dataDir(), "rwx------");
        List<String> entries = dataDir.someEntries();
        if (!entries.isEmpty()) {
            throw new PostgresException(settings.dataDir() + " is neither empty nor a data directory (no PG_VERSION;"
                    + " it holds " + String.join(", ", entries) + "...): move it away or point data_dir elsewhere");
        }
        long startNanos = System.nanoTime();
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
                millisSince(startNanos));
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

    /** This server's superuser on another server of the cluster (the primary it copies or follows). */
    private PgEndpoint superuserAt(String host, int port) {
        return new PgEndpoint(host, port, settings.superuser(), settings.superuserPassword(), "postgres");
    }

    private void ensureSlotOn(StandbySource source) {
        PgEndpoint endpoint = superuserAt(source.host(), source.port());
        try (Connection c = PgProbe.connect(endpoint, CONNECT_TIMEOUT)) {
            ReplicationSlots.Action action = ReplicationSlots.ensure(c, source.slotName());
            if (action != ReplicationSlots.Action.NONE) {
                log.info("{}: replication slot {} {} on {}", settings.nodeName(), source.slotName(),
                        action == ReplicationSlots.Action.CREATE ? "created" : "recreated", endpoint.address());
            }
        } catch (SQLException e) {
            throw new PostgresException("cannot make replication slot " + source.slotName() + " on "
                    + endpoint.address() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A just-promoted primary records its new timeline in its control file only at its next
     * checkpoint; until then pg_rewind would see "the same timeline" and rewind nothing.
     */
    private void checkpointOn(StandbySource source) {
        PgEndpoint endpoint = superuserAt(source.host(), source.port());
        try (Connection c = PgProbe.connect(endpoint, CONNECT_TIMEOUT)) {
            // pg_rewind reads the source's timeline from its control file, which a promoted server
            // updates only at its next checkpoint; when that has happened, no need to force one
            try (var rs = c.createStatement().executeQuery("select (select timeline_id from pg_control_checkpoint())"
                    + " = ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int")) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            }
            c.createStatement().execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new PostgresException("cannot run CHECKPOINT on " + endpoint.address() + " before pg_rewind: "
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

    private static Command withPassword(Command command, Optional<Password> password) {
        return password.map(p -> command.withEnv("PGPASSWORD", p.value())).orElse(command);
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

    private void requireInitialized(String what) {
        if (!isInitialized()) {
            throw new PostgresException("cannot " + what + " PostgreSQL " + settings.nodeName() + ": "
                    + settings.dataDir() + " is not a data directory (no PG_VERSION); create it with initPrimary"
                    + " or baseBackupFrom");
        }
    }

    private void requireStopped(String what) {
        OptionalLong pid = postmasterPid();
        if (pid.isPresent()) {
            throw new PostgresException("cannot " + what + " while PostgreSQL " + settings.nodeName()
                    + " runs (pid " + pid.getAsLong() + " on " + settings.address() + "); stop it first");
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

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot remove temporary file {}: {}", file, e.toString());
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
