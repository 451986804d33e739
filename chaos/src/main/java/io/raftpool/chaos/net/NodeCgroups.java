package io.raftpool.chaos.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One cgroup (v2) per node, under {@code <cgroup2 mount>/raftpool-chaos-<run>/node<i>}, only to
 * tell the nodes' packets apart (no controller is enabled). A process joins its node's cgroup
 * by a small shell prefix that writes its own pid and then execs the real command, so its pid
 * stays the one the harness knows and every socket it opens is the node's.
 */
public final class NodeCgroups {
    private final Path mount;
    private final String base;
    private final Map<Integer, String> relative = new TreeMap<>();

    private NodeCgroups(Path mount, String base) {
        this.mount = mount;
        this.base = base;
    }

    /** Where cgroup v2 is mounted, from /proc/self/mountinfo; empty when it is not. */
    public static Optional<Path> cgroup2Mount() {
        try {
            return parseCgroup2Mount(Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The mount point of the first cgroup2 file system with root "/" in mountinfo lines. */
    static Optional<Path> parseCgroup2Mount(List<String> mountinfo) {
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (after.length > 0 && after[0].equals("cgroup2") && before.length > 4 && before[3].equals("/")) {
                return Optional.of(Path.of(before[4]));
            }
        }
        return Optional.empty();
    }

    /** The run ids that have a cgroup under {@code mount} now. */
    public static Set<String> liveRuns(Path mount) {
        try (var dirs = Files.list(mount)) {
            return dirs.map(d -> d.getFileName().toString()).filter(n -> n.startsWith("raftpool-chaos-"))
                    .map(n -> n.substring("raftpool-chaos-".length())).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new NetFilterException("cannot list the cgroups under " + mount + ": " + e);
        }
    }

    public static NodeCgroups create(Path mount, String runId, Iterable<Integer> nodes) {
        String base = "raftpool-chaos-" + runId;
        if (!base.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("run id '" + runId + "' must be letters, digits and dashes");
        }
        NodeCgroups c = new NodeCgroups(mount, base);
        try {
            Files.createDirectory(mount.resolve(base));
            for (int n : nodes) {
                String rel = base + "/node" + n;
                Files.createDirectory(mount.resolve(rel));
                c.relative.put(n, rel);
            }
        } catch (IOException e) {
            c.close();
            throw new NetFilterException("cannot create the per-node cgroups under " + mount.resolve(base) + ": " + e
                    + " (partitions need root and a writable cgroup v2 hierarchy)");
        }
        return c;
    }

    /** Node {@code node}'s cgroup path relative to the cgroup2 root, as {@code iptables -m cgroup --path} takes it. */
    public String path(int node) {
        String p = relative.get(node);
        if (p == null) {
            throw new IllegalArgumentException("node " + node + " has no cgroup in this run (nodes " + relative.keySet() + ")");
        }
        return p;
    }

    public Map<Integer, String> paths() {
        return Map.copyOf(relative);
    }

    /** The words put before a command so that it runs in node {@code node}'s cgroup (same pid, via exec). */
    public List<String> joinPrefix(int node) {
        Path procs = mount.resolve(path(node)).resolve("cgroup.procs");
        return List.of("/bin/sh", "-c", "echo $$ > " + procs + " && exec \"$@\"", "raftpool-node" + node);
    }

    public List<String> wrap(int node, List<String> command) {
        List<String> all = new ArrayList<>(joinPrefix(node));
        all.addAll(command);
        return all;
    }

    /** The pids in node {@code node}'s cgroup now. */
    public List<Long> pids(int node) {
        try {
            return Files.readAllLines(mount.resolve(path(node)).resolve("cgroup.procs")).stream()
                    .filter(s -> !s.isBlank()).map(Long::parseLong).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Removes the cgroups; a cgroup still holding processes cannot be removed (the caller stops
     * them first). Returns what could not be removed.
     */
    public List<String> close() {
        List<String> left = new ArrayList<>();
        for (String rel : relative.values()) {
            removeDir(mount.resolve(rel), left);
        }
        removeDir(mount.resolve(base), left);
        return left;
    }

    private static void removeDir(Path dir, List<String> left) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            left.add(dir + " (" + e.getMessage() + ")");
        }
    }
}
