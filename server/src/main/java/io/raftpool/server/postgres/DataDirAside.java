package io.raftpool.server.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the data directory aside as {@code <dataDir>.old-<UTC timestamp>} before a rebuild, and
 * removes it or such a copy later; no other path, so a wrong one cannot wipe unrelated files.
 */
record DataDirAside(ServerSettings settings, ServerChecks checks, Clock clock) {
    private static final Logger log = LoggerFactory.getLogger(DataDirAside.class);
    private static final DateTimeFormatter ASIDE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    Optional<Path> moveAside() {
        checks.requireStopped("move its data directory");
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

    void remove(Path dir) {
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
            checks.requireStopped("remove its data directory");
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
}
