package io.raftpool.server.postgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's PostgreSQL server: everything raftpool does to it (initdb, start, stop, kill,
 * promote, pg_basebackup, pg_rewind, slots, probes) goes through here, and one action at a time.
 * The work is done by the part for each job: {@link ServerLifecycle} (init, start, stop, kill,
 * reload, promote), {@link StandbySetup} (copy, standby settings, slots), {@link InPlaceRebuild}
 * (pg_rewind, divergence, following without rewind), {@link DataDirAside} and {@link Superuser}
 * (connections).
 *
 * <p>Actions are serialized (one at a time per server, on this object); the cheap checks
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

    private final ServerSettings settings;
    private final OsCommand os;
    private final DataDirectory dataDir;
    private final ServerChecks checks;
    private final Superuser superuser;
    private final ServerLifecycle lifecycle;
    private final StandbySetup standby;
    private final InPlaceRebuild rebuild;
    private final DataDirAside aside;

    public PostgresServer(ServerSettings settings) {
        this(settings, OsCommand.forUser(settings.osUser()), Clock.systemUTC());
    }

    public PostgresServer(ServerSettings settings, OsCommand os, Clock clock) {
        this.settings = settings;
        this.os = os;
        this.dataDir = new DataDirectory(settings.dataDir(), os);
        this.checks = new ServerChecks(settings, dataDir);
        this.superuser = new Superuser(settings);
        this.lifecycle = new ServerLifecycle(settings, os, dataDir, checks, superuser);
        this.standby = new StandbySetup(settings, os, dataDir, checks, superuser);
        this.rebuild = new InPlaceRebuild(settings, os, dataDir, checks, superuser, standby);
        this.aside = new DataDirAside(settings, checks, clock);
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
        return checks.isInitialized();
    }

    /** The postmaster's pid, if postmaster.pid names a live postgres process started when the file says. */
    public OptionalLong postmasterPid() {
        return checks.postmasterPid();
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

    // ---- lifecycle ----

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
        lifecycle.initPrimary(timeout);
    }

    /**
     * Starts the server and waits until it accepts connections (a standby: until it is
     * consistent), rewriting raftpool.conf and pg_hba.conf first. Does nothing if it runs.
     * If pg_ctl gives up waiting, the server may still be starting: the exception says so and
     * {@link #isRunning()} tells.
     */
    public synchronized void start(Duration timeout) {
        lifecycle.start(timeout);
    }

    /** Stops the server; nothing to do (and no error) when it is not running. */
    public synchronized void stop(StopMode mode, Duration timeout) {
        lifecycle.stop(mode, timeout);
    }

    public void kill() {
        kill(Duration.ofSeconds(10));
    }

    /**
     * SIGKILLs the postmaster, as a crash would, and waits until it and the processes it had
     * started are gone (they notice its death and exit), so that a start right after works.
     */
    public synchronized void kill(Duration timeout) {
        lifecycle.kill(timeout);
    }

    /**
     * The settings kept in the Raft log for this server, as {@link ManagedSettings#renderParameters}
     * wrote them: kept for every later rewrite of the managed files, and written now when the data
     * directory holds something else. Returns whether it wrote (a running server needs a reload).
     */
    public synchronized boolean useParameters(String text) {
        return dataDir.useParameters(text);
    }

    /** On a running primary: the replication role exists, LOGIN REPLICATION, with its configured password. */
    public synchronized void ensureReplicationRole(Duration timeout) {
        lifecycle.ensureReplicationRole(timeout);
    }

    /** Makes a running server reread its configuration. Nothing to do when it is not running. */
    public synchronized void reload() {
        lifecycle.reload();
    }

    /**
     * Promotes this standby and waits until it accepts writes. Returns at once if it already
     * does. Leaves raftpool.conf without a standby section.
     *
     * @return how long the promotion took (zero if there was nothing to do)
     */
    public synchronized Duration promote(Duration timeout) {
        return lifecycle.promote(timeout);
    }

    // ---- making a standby ----

    /**
     * Makes this server a standby of {@code primaryHost:primaryPort} through slot
     * {@code slotName}: standby.signal and raftpool.conf's standby section. A running standby
     * is reloaded and so repoints at once (PostgreSQL 13+); a running primary becomes a standby
     * only when restarted (and, having diverged, after {@link #rewindFrom}).
     */
    public synchronized void configureAsStandby(String primaryHost, int primaryPort, String slotName) {
        standby.configureAsStandby(primaryHost, primaryPort, slotName);
        lifecycle.reload();
    }

    /** Drops standby.signal and the standby section: the next start is as a primary. */
    public synchronized void configureAsPrimary() {
        standby.configureAsPrimary();
        lifecycle.reload();
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
        standby.baseBackupFrom(new StandbySource(host, port, slotName), progress, timeout);
    }

    /** Makes sure this server (a primary) has physical slot {@code slotName}, holding WAL. */
    public synchronized void ensureSlot(String slotName) {
        standby.ensureSlot(slotName);
    }

    /** Drops slot {@code slotName} if it exists; refuses while a standby streams through it. */
    public synchronized void dropSlot(String slotName) {
        standby.dropSlot(slotName);
    }

    // ---- rebuilding in place ----

    public void rewindFrom(String host, int port, String slotName) {
        rewindFrom(host, port, slotName, false, ProgressListener.NONE);
    }

    /**
     * Rewinds this stopped server's data directory to where {@code host:port}'s timeline forked
     * from it (pg_rewind; a server stopped uncleanly is first recovered by pg_rewind itself),
     * then configures it as a standby of that server through {@code slotName}, made on the
     * source first if missing. Does not start the server. Refused for a server stopped uncleanly
     * on the source's own timeline: the caller copies it instead.
     *
     * @param restoreTargetWal pass --restore-target-wal: fetch missing WAL with restore_command
     */
    public synchronized void rewindFrom(String host, int port, String slotName, boolean restoreTargetWal,
                                        ProgressListener progress) {
        rebuild.rewindFrom(new StandbySource(host, port, slotName), restoreTargetWal, progress, DEFAULT_COPY_TIMEOUT);
    }

    /**
     * Whether this stopped server's WAL goes past the point where {@code host:port}'s timeline
     * forked from it (see {@link Divergence}); when it does not, {@link #followWithoutRewind} is
     * enough. Any doubt (no control file, WAL that pg_waldump cannot read to its end) says diverged.
     */
    public synchronized Divergence divergenceFrom(String host, int port) {
        return rebuild.divergenceFrom(host, port);
    }

    /**
     * Sets up this stopped server, whose WAL did not diverge from {@code host:port}'s, as its
     * standby through {@code slotName} (made on the source first if missing). Its next start
     * replays its own WAL, then follows the source across the timeline switch. Does not start it.
     */
    public synchronized void followWithoutRewind(String host, int port, String slotName) {
        rebuild.followWithoutRewind(new StandbySource(host, port, slotName));
    }

    /** pg_controldata of the data directory (meant for a stopped server). */
    public ControlData controlData() {
        return rebuild.controlData();
    }

    // ---- the data directory set aside ----

    /**
     * Renames the data directory to {@code <dataDir>.old-<UTC timestamp>} so it can be rebuilt
     * while the old one stays for inspection. Empty when there is no data directory.
     */
    public synchronized Optional<Path> moveDataDirAside() {
        return aside.moveAside();
    }

    /**
     * Deletes a directory this server owns: its data directory (when stopped) or one that
     * {@link #moveDataDirAside()} made. Anything else is refused, so a wrong path cannot wipe
     * unrelated files. Nothing to do when it does not exist.
     */
    public synchronized void removeDir(Path dir) {
        aside.remove(dir);
    }

    // ---- connections ----

    /** A probe of this server as its superuser, over a new connection; never throws. */
    public ProbeResult probe(Duration timeout) {
        return superuser.probe(timeout);
    }

    /** A new superuser connection to this server; the caller closes it. */
    public Connection connect(Duration timeout) {
        return superuser.connect(timeout);
    }

    /** The server's current timeline (see {@link PgProbe#timeline(Connection)}). */
    public int timeline(Duration timeout) {
        return superuser.timeline(timeout);
    }
}
