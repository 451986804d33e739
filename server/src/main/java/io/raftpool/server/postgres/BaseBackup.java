package io.raftpool.server.postgres;

import io.raftpool.proto.BackupInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base backups in the WAL archive's {@code backups/} directory: taken with pg_basebackup from
 * this node's own server (a standby takes the load off the primary), WAL included, under a
 * {@code .partial} name until complete; restored by copying one into an empty data directory.
 * Not guarded by {@link PostgresServer}'s lock: a backup runs beside the agent's other duties
 * (a promotion must not wait for it).
 */
public final class BaseBackup {
    private static final Logger LOG = LoggerFactory.getLogger(BaseBackup.class);
    private static final DateTimeFormatter LABEL_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern START_WAL = Pattern.compile("^START WAL LOCATION: (\\S+)", Pattern.MULTILINE);
    private static final Pattern START_TIMELINE = Pattern.compile("^START TIMELINE: (\\d+)", Pattern.MULTILINE);
    private static final String PARTIAL = ".partial";

    private final ServerSettings settings;
    private final OsCommand os;

    public BaseBackup(ServerSettings settings, OsCommand os) {
        this.settings = settings;
        this.os = os;
    }

    /** Where backups live: archive.directory/backups. */
    public Path backupsDir() {
        return settings.archiveDir().map(d -> d.resolve("backups")).orElseThrow(() -> new PostgresException(
                "no archive.directory is configured: raftpool keeps base backups in the WAL archive, which recovery"
                        + " from a backup replays; set archive.directory"));
    }

    /** Takes a backup of this node's running server; returns what it is. */
    public BackupInfo take(long startedMs, ProgressListener progress, Duration timeout) {
        Path dir = backupsDir();
        os.ensureDirectory(dir, "rwx------");
        String label = LABEL_TIME.format(Instant.ofEpochMilli(startedMs)) + "-" + settings.nodeName();
        Path partial = dir.resolve(label + PARTIAL);
        removeQuietly(partial); // what an earlier agent left when it died mid-copy
        Stopwatch took = Stopwatch.start();
        List<String> argv = List.of(settings.bin("pg_basebackup").toString(), "-h", settings.host(), "-p",
                Integer.toString(settings.port()), "-U", settings.replicationUser(), "-D", partial.toString(),
                "-X", "stream", "-c", "fast", "-P", "-w");
        os.run(Command.of(timeout, argv).named("pg_basebackup").withPassword(settings.replicationPassword())
                .onLine(line -> CopyProgress.parse(line).ifPresent(progress::onProgress)));
        String backupLabel = read(partial.resolve("backup_label"));
        long size = size(partial);
        os.run(Command.of(Duration.ofSeconds(30), "mv", partial.toString(), dir.resolve(label).toString()).named("mv"));
        LOG.info("base backup {} of {} taken in {} ms: {} MB", label, settings.nodeName(), took.millis(),
                size / (1024 * 1024));
        return BackupInfo.newBuilder().setLabel(label).setType("full").setStartedMs(startedMs).setFinishedMs(startedMs + took.millis())
                .setSizeBytes(size).setTimeline(find(START_TIMELINE, backupLabel).map(Integer::parseInt).orElse(0))
                .setStartLsn(find(START_WAL, backupLabel).orElse("?")).build();
    }

    /** Copies backup {@code label} into this node's data directory, which must be absent or empty. */
    public void restore(String label, Duration timeout) {
        Path backup = backupsDir().resolve(label);
        if (!Files.isRegularFile(backup.resolve("backup_label"))) {
            throw new PostgresException("backup " + label + " is not in " + backupsDir() + " (no backup_label there);"
                    + " raftpool backups lists the backups taken; one removed from the archive cannot be restored");
        }
        if (Files.exists(settings.dataDir())) {
            try (Stream<Path> entries = Files.list(settings.dataDir())) {
                if (entries.findAny().isPresent()) {
                    throw new PostgresException("cannot restore into " + settings.dataDir() + ": it is not empty");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            os.run(Command.of(Duration.ofSeconds(30), "rmdir", settings.dataDir().toString()).named("rmdir"));
        }
        Stopwatch took = Stopwatch.start();
        os.run(Command.of(timeout, "cp", "-a", backup.toString(), settings.dataDir().toString()).named("cp"));
        LOG.info("restored base backup {} into {} in {} ms", label, settings.dataDir(), took.millis());
    }

    private static Optional<String> find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new PostgresException("pg_basebackup left no readable " + file + ": " + e.getMessage());
        }
    }

    private static long size(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private void removeQuietly(Path dir) {
        if (Files.exists(dir)) {
            os.execute(Command.of(Duration.ofMinutes(5), "rm", "-rf", "--", dir.toString()).named("rm"));
        }
    }
}
