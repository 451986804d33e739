package io.raftpool.server.watchdog;

import io.raftpool.config.WatchdogSettings;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Whether the agent uses the Linux watchdog device, refuses to start, or goes on without it,
 * from what it found of the device. Pure. The device is worth having only when its timeout is
 * short enough that a hung host is reset before the leader may promote another server: at most
 * {@code fence_timeout}, so that it can be kicked while the agent's contact is fresh.
 */
public final class DeviceCheck {
    private DeviceCheck() {}

    public sealed interface Result {}

    public record Off(String why) implements Result {}

    public record Use(long timeoutMs) implements Result {}

    public record Refuse(String message) implements Result {}

    /** Looks at the device (whether it can be written, its timeout in sysfs), then decides. */
    public static Result probe(WatchdogSettings settings, Duration fenceTimeout) {
        if (settings.mode() == WatchdogSettings.Mode.OFF) {
            return decide(settings, false, OptionalLong.empty(), fenceTimeout);
        }
        java.nio.file.Path device = settings.device();
        boolean writable = java.nio.file.Files.exists(device) && java.nio.file.Files.isWritable(device);
        String name = device.getFileName().toString().equals("watchdog") ? "watchdog0" : device.getFileName().toString();
        OptionalLong timeout = OptionalLong.empty();
        try {
            timeout = OptionalLong.of(Long.parseLong(java.nio.file.Files.readString(
                    java.nio.file.Path.of("/sys/class/watchdog", name, "timeout")).trim()));
        } catch (java.io.IOException | NumberFormatException e) {
            // no sysfs entry: decide() says what that means
        }
        return decide(settings, writable, timeout, fenceTimeout);
    }

    public static Result decide(WatchdogSettings settings, boolean writable, OptionalLong timeoutSeconds,
                                Duration fenceTimeout) {
        if (settings.mode() == WatchdogSettings.Mode.OFF) {
            return new Off("watchdog.mode is off");
        }
        String device = settings.device().toString();
        String problem = null;
        if (!writable) {
            problem = device + " does not exist or cannot be opened for writing; load a watchdog driver, e.g."
                    + " `modprobe softdog soft_margin=1`, or set watchdog.mode to automatic or off";
        } else if (timeoutSeconds.isEmpty()) {
            problem = "the timeout of " + device + " cannot be read from /sys/class/watchdog; without it raftpool"
                    + " cannot tell whether a hung host is reset in time";
        } else if (Duration.ofSeconds(timeoutSeconds.getAsLong()).compareTo(fenceTimeout) > 0) {
            problem = "the timeout of " + device + " is " + timeoutSeconds.getAsLong() + " s, longer than"
                    + " failover.fence_timeout (" + fenceTimeout.toMillis() + " ms): a hung host would be reset"
                    + " after another server was promoted; load the driver with a shorter timeout (softdog"
                    + " soft_margin=1) or raise fence_timeout";
        }
        if (problem == null) {
            return new Use(timeoutSeconds.getAsLong() * 1000);
        }
        return settings.mode() == WatchdogSettings.Mode.REQUIRED
                ? new Refuse("watchdog.mode is required, but " + problem)
                : new Off("watchdog.mode is automatic and the device is not usable: " + problem);
    }
}
