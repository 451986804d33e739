package io.raftpool.server.watchdog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code WatchdogMain <watchdog dir> <data dir> <device|-> <device timeout ms> <grace ms>}: the
 * fence that outlives the agent (S6). A process of its own, started by the agent, with a heap
 * too small to pause: it reads the lease the agent renews, and when the lease runs out while
 * the server runs, it kills every process of the server. It ends once its agent is gone and
 * nothing is left to guard. One per node (a file lock).
 */
public final class WatchdogMain {
    private WatchdogMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: WatchdogMain <watchdog dir> <data dir> <device|-> <device timeout ms> <grace ms>");
            System.exit(2);
        }
        WatchdogFiles files = new WatchdogFiles(Path.of(args[0]));
        Files.createDirectories(files.dir());
        try (FileChannel channel = FileChannel.open(files.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                log("another watchdog guards " + files.dir() + "; this one exits");
                return;
            }
            Optional<WatchdogDevice> device = args[2].equals("-") ? Optional.empty()
                    : Optional.of(new WatchdogDevice(Path.of(args[2])));
            WatchdogLoop loop = new WatchdogLoop(files, Path.of(args[1]), device,
                    Long.parseLong(args[3]) * 1_000_000L, Long.parseLong(args[4]) * 1_000_000L);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> device.ifPresent(WatchdogDevice::close)));
            loop.run();
        }
    }

    static void log(String line) {
        System.err.println(Instant.now() + " watchdog[" + ProcessHandle.current().pid() + "]: " + line);
    }
}
