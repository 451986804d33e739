package io.raftpool.server.watchdog;

import io.raftpool.server.postgres.ServerProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/** The watchdog's loop: read the lease, ask {@link WatchdogStep}, act. */
final class WatchdogLoop {
    private static final long TURN_NANOS = 20_000_000L;
    private static final long SERVER_CHECK_NANOS = 200_000_000L;
    private static final long STATUS_NANOS = 200_000_000L;

    private final WatchdogFiles files;
    private final ServerProcesses server;
    private final java.nio.file.Path dataDir;
    private final Optional<WatchdogDevice> device;
    private final long deviceTimeoutNanos;
    private final long graceNanos;
    private final long pid = ProcessHandle.current().pid();
    private Lease lease = Lease.NONE;
    private boolean serverRunning;
    private long serverCheckedAt;
    private long statusWrittenAt;
    private long firedWallMs;
    private int killed;
    private boolean standbyNoted;

    WatchdogLoop(WatchdogFiles files, java.nio.file.Path dataDir, Optional<WatchdogDevice> device, long deviceTimeoutNanos,
                 long graceNanos) {
        this.files = files;
        this.dataDir = dataDir;
        this.server = new ServerProcesses(dataDir);
        this.device = device;
        this.deviceTimeoutNanos = deviceTimeoutNanos;
        this.graceNanos = graceNanos;
    }

    void run() {
        WatchdogMain.log("guarding " + files.dir() + (device.isPresent() ? " with " + device.get().path() : ""));
        long started = System.nanoTime();
        serverCheckedAt = started - SERVER_CHECK_NANOS;
        statusWrittenAt = started - STATUS_NANOS;
        while (true) {
            long now = System.nanoTime();
            if (!Files.isDirectory(files.dir())) {
                WatchdogMain.log(files.dir() + " was removed; exiting");
                device.ifPresent(WatchdogDevice::close);
                return;
            }
            readLease();
            boolean agentAlive = lease.agentPid() > 0 && ProcessHandle.of(lease.agentPid()).map(ProcessHandle::isAlive)
                    .orElse(false);
            if (lease.expiredAt(now) && now - serverCheckedAt >= SERVER_CHECK_NANOS) {
                serverRunning = server.anyRunning();
                serverCheckedAt = now;
            }
            switch (WatchdogStep.step(lease, now, agentAlive, serverRunning)) {
                case FIRE -> fire(now, agentAlive);
                case EXIT -> {
                    WatchdogMain.log("agent " + lease.agentPid() + " is gone and there is nothing to guard; exiting");
                    device.ifPresent(WatchdogDevice::close);
                    writeStatus(now, true);
                    return;
                }
                case WAIT -> { }
            }
            tendDevice(now);
            writeStatus(now, false);
            LockSupport.parkNanos(TURN_NANOS);
        }
    }

    private void readLease() {
        Lease before = lease;
        if (!Files.exists(files.lease())) {
            lease = Lease.NONE;
        } else {
            files.readLease().ifPresent(l -> lease = l); // a file being replaced: keep the last whole one
        }
        if (lease.armed() != before.armed() || lease.agentPid() != before.agentPid()) {
            WatchdogMain.log((lease.armed() ? "armed" : "disarmed") + " by agent " + lease.agentPid());
        }
    }

    private void fire(long now, boolean agentAlive) {
        readLease(); // the agent may have renewed it this very moment (before starting a server again)
        if (!lease.expiredAt(System.nanoTime())) {
            return;
        }
        if (StandbyMark.startedAsStandby(dataDir)) {
            if (!standbyNoted) {
                WatchdogMain.log("the lease ran out, but the server runs as a standby (it started with "
                        + StandbyMark.FILE + "): nothing to fence unless it is promoted");
                standbyNoted = true;
            }
            return;
        }
        standbyNoted = false;
        try {
            int n = server.killAll(Duration.ofSeconds(5));
            killed += n;
            firedWallMs = System.currentTimeMillis();
            serverRunning = false;
            WatchdogMain.log("FENCE: the lease ran out " + (now - lease.deadlineNanos()) / 1_000_000 + " ms ago ("
                    + (agentAlive ? "agent " + lease.agentPid() + " runs but did not renew it" : "its agent is gone")
                    + "): killed " + n + " process(es) of PostgreSQL, none remains");
            device.ifPresent(WatchdogDevice::close); // fenced: no reason left to reset the host
        } catch (RuntimeException e) {
            WatchdogMain.log("FENCE failed, trying again: " + e.getMessage());
        }
    }

    private void tendDevice(long now) {
        if (device.isEmpty()) {
            return;
        }
        WatchdogDevice d = device.get();
        if (!lease.armed()) {
            d.close();
        } else if (WatchdogStep.kickDevice(lease, now, deviceTimeoutNanos, graceNanos) && !lease.expiredAt(now)) {
            try {
                d.kick();
            } catch (IOException e) {
                WatchdogMain.log("cannot kick " + d.path() + ": " + e.getMessage());
            }
        }
    }

    private void writeStatus(long now, boolean force) {
        if (!force && now - statusWrittenAt < STATUS_NANOS) {
            return;
        }
        statusWrittenAt = now;
        try {
            files.writeStatus(new WatchdogStatus(pid, lease.armed(), lease.deadlineNanos(), now, firedWallMs, killed,
                    device.map(d -> d.open() ? "kicking " + d.path() : "idle " + d.path()).orElse("off")
                            .replace(' ', ':')));
        } catch (RuntimeException e) {
            // the directory is going away; the next turn sees it
        }
    }
}
