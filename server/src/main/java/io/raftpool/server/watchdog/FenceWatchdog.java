package io.raftpool.server.watchdog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of its watchdog process: starts it (in a session of its own, so that a
 * Ctrl-C or a stop of the agent's process group does not take the fence with it), renews its
 * lease, and reads its status. A watchdog left running by the previous agent is taken over, with
 * the lease that agent left: the leader may be counting on its deadline.
 */
public final class FenceWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(FenceWatchdog.class);
    private static final long BEAT_STALE_NANOS = 1_000_000_000L;
    private static final long RESPAWN_NANOS = 2_000_000_000L;

    private final WatchdogFiles files;
    private final Path dataDir;
    private final Optional<Path> device;
    private final long deviceTimeoutMs;
    private final long graceMs;
    private final Lease inherited;
    private volatile Lease current;
    private volatile Optional<WatchdogStatus> status;
    private long spawnedAt;
    private boolean spawnedOnce;

    public FenceWatchdog(WatchdogFiles files, Path dataDir, Optional<Path> device, long deviceTimeoutMs, long graceMs) {
        this.files = files;
        this.dataDir = dataDir;
        this.device = device;
        this.deviceTimeoutMs = deviceTimeoutMs;
        this.graceMs = graceMs;
        this.inherited = files.readLease().orElse(Lease.NONE);
        this.current = inherited;
        this.status = files.readStatus();
    }

    /** The lease the previous agent left (its deadline holds until this agent has contact of its own). */
    public Lease inherited() {
        return inherited;
    }

    public Lease current() {
        return current;
    }

    /** The watchdog's status as last read by {@link #ensureRunning} (on the lease timer, every 100 ms). */
    public Optional<WatchdogStatus> status() {
        return status;
    }

    /** Whether a watchdog process runs and turns its loop (its last status is fresh). */
    public boolean running(long nowNanos) {
        return status.filter(s -> nowNanos - s.beatNanos() < BEAT_STALE_NANOS)
                .filter(s -> ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false)).isPresent();
    }

    /**
     * Reads the watchdog's status, and starts the watchdog when none runs; at most every two
     * seconds (a JVM takes a moment to come up).
     */
    public void ensureRunning(long nowNanos) {
        status = files.readStatus();
        if (running(nowNanos) || (spawnedOnce && nowNanos - spawnedAt < RESPAWN_NANOS)) {
            return;
        }
        if (spawnedOnce) {
            LOG.warn("the watchdog of {} is not running; starting it again", dataDir);
        }
        spawnedOnce = true;
        spawnedAt = nowNanos;
        try {
            Files.createDirectories(files.dir());
            new ProcessBuilder(command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            LOG.error("cannot start the watchdog of {}: {}", dataDir, e.getMessage());
        }
    }

    /** Hands the watchdog its new lease; written only when it changed. */
    public void renew(Lease next) {
        if (next.equals(current)) {
            return;
        }
        files.writeLease(next);
        if (next.armed() != current.armed()) {
            LOG.info("watchdog {}", next.armed() ? "armed: it kills PostgreSQL if this agent stops renewing its lease"
                    : "disarmed: this server is no primary");
        }
        current = next;
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx16m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                WatchdogMain.class.getName(), files.dir().toString(), dataDir.toString(),
                device.map(Path::toString).orElse("-"), Long.toString(deviceTimeoutMs), Long.toString(graceMs)));
        return cmd;
    }
}
