package io.raftpool.server.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary that dies leaves the segments its archiver had not copied yet out of the archive,
 * and a standby does not archive what it received (archive_mode on): a hole that a restore
 * from an older backup cannot cross. The promoted standby holds those segments of the old
 * timelines, so it copies the missing ones, with the archive_command's own rules (never over a
 * different file), right after its promotion.
 */
public final class ArchiveGaps {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveGaps.class);
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");

    private ArchiveGaps() {}

    /**
     * The segments of timelines before {@code timeline} in {@code walDir} that {@code archive} lacks
     * and that end before their timeline does (the new timeline's history file says where): a
     * standby's pg_wal also holds recycled files under future names of its old timeline, which
     * hold no WAL of it and must never reach the archive.
     */
    static List<String> missing(Path walDir, Predicate<String> archived, int timeline) throws IOException {
        Map<Integer, Long> ends = timelineEnds(walDir.resolve(String.format("%08X.history", timeline)));
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(walDir)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (!SEGMENT.matcher(n).matches() || archived.test(n)) {
                    continue;
                }
                Long end = ends.get(Integer.parseInt(n.substring(0, 8), 16));
                long size = Files.size(f);
                long start = Long.parseLong(n.substring(8, 16), 16) * 0x1_0000_0000L
                        + Long.parseLong(n.substring(16, 24), 16) * size;
                if (end != null && size > 0 && start + size <= end) {
                    names.add(n);
                }
            }
        }
        return names;
    }

    /** Each earlier timeline's end, from a history file's lines "parent_tli<TAB>X/Y<TAB>reason". */
    static Map<Integer, Long> timelineEnds(Path historyFile) throws IOException {
        Map<Integer, Long> ends = new HashMap<>();
        if (!Files.exists(historyFile)) {
            return ends;
        }
        for (String line : Files.readAllLines(historyFile)) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].matches("\\d+") && f[1].matches("[0-9A-Fa-f]+/[0-9A-Fa-f]+")) {
                String[] lsn = f[1].split("/");
                ends.put(Integer.parseInt(f[0]), (Long.parseLong(lsn[0], 16) << 32) + Long.parseLong(lsn[1], 16));
            }
        }
        return ends;
    }

    /** Copies what is missing; returns how many segments it archived. Never throws: a gap is logged. */
    public static int fill(ServerSettings settings, OsCommand os, int timeline) {
        Optional<String> archiveCommand = ManagedSettings.archiveCommand(settings);
        if (archiveCommand.isEmpty()) {
            return 0;
        }
        // pgBackRest's archive-push takes a segment it already holds, the same, as archived
        Predicate<String> archived = name -> settings.archiveDir().map(d -> Files.exists(d.resolve(name)))
                .orElse(false);
        Path walDir = settings.dataDir().resolve("pg_wal");
        int copied = 0;
        try {
            for (String name : missing(walDir, archived, timeline)) {
                String command = archiveCommand.get().replace("%p", walDir.resolve(name).toString())
                        .replace("%f", name);
                os.run(Command.of(Duration.ofMinutes(2), "/bin/sh", "-c", command).named("archive " + name));
                copied++;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not archive the earlier timelines' segments left in {}: {}", walDir, e.getMessage());
        }
        if (copied > 0) {
            LOG.info("archived {} segment(s) of earlier timelines that the old primary had not archived", copied);
        }
        return copied;
    }
}
