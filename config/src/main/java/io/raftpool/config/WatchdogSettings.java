package io.raftpool.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The fence that outlives the agent (S6). Every PostgreSQL node runs a small watchdog process
 * beside its agent; the agent renews its lease while it is in contact with the Raft majority,
 * and the watchdog kills the server's processes when the lease runs out. That part is always
 * on. {@code device} adds the Linux watchdog device for whole-host hangs, where the watchdog
 * process hangs too: {@code OFF} never opens it, {@code AUTOMATIC} uses it when it is there and
 * fast enough, {@code REQUIRED} refuses to start an agent without it.
 *
 * @param restartWindow how long a primary's agent that stops cleanly (a planned restart) keeps
 *                      its server running unfenced; committed before it stops, so the leader
 *                      waits it out before promoting another server
 */
public record WatchdogSettings(Mode mode, Path device, Duration restartWindow) {
    public enum Mode { OFF, AUTOMATIC, REQUIRED }

    public static final WatchdogSettings DEFAULTS =
            new WatchdogSettings(Mode.OFF, Path.of("/dev/watchdog"), Duration.ofSeconds(30));
}
