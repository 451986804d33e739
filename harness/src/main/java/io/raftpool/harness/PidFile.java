package io.raftpool.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The pids of a local cluster's processes, so that another command (demo stop) can stop them.
 * A pid is only signalled while /proc says it still runs our command with this cluster's
 * config: a recycled pid belongs to someone else.
 */
public final class PidFile {
    private PidFile() {}

    public record Entry(String name, long pid) {}

    static void write(Path file, Path config, Collection<ManagedProcess> agents, Collection<ManagedProcess> proxies) {
        StringBuilder b = new StringBuilder("# name pid (config " + config + ")\n");
        for (ManagedProcess p : agents) {
            b.append(p.name().replace(' ', '-')).append(' ').append(p.pid()).append('\n');
        }
        for (ManagedProcess p : proxies) {
            b.append(p.name().replace(' ', '-')).append(' ').append(p.pid()).append('\n');
        }
        try {
            Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static List<Entry> read(Path file) {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return entries;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && !line.startsWith("#")) {
                    entries.add(new Entry(parts[0], Long.parseLong(parts[1])));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new HarnessException("cannot read the pid file " + file + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** Whether {@code pid} runs a java command line that names {@code config}. */
    public static boolean isOurs(long pid, Path config) {
        return commandLine(pid).map(c -> c.contains(config.toString())).orElse(false);
    }

    static Optional<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** SIGTERM each live process of ours, then SIGKILL what is left after {@code grace}. Returns how many were running. */
    public static int stopAll(Path file, Path config, Duration grace) {
        List<ProcessHandle> ours = new ArrayList<>();
        for (Entry e : read(file)) {
            if (isOurs(e.pid(), config)) {
                ProcessHandle.of(e.pid()).ifPresent(ours::add);
            }
        }
        ours.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : ours) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                LocalCluster.pause(50);
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        return ours.size();
    }
}
