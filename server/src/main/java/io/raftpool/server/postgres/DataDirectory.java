package io.raftpool.server.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files raftpool reads and writes in a data directory: PG_VERSION, postmaster.pid,
 * standby.signal, postgresql.conf's include line, raftpool.conf and pg_hba.conf. Every file it
 * writes is owned by the os user with mode 600, as PostgreSQL expects.
 */
final class DataDirectory {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DataDirectory.class);
    static final String STANDBY_SIGNAL = "standby.signal";
    private static final String POSTGRESQL_CONF = "postgresql.conf";

    private final Path dir;
    private final OsCommand os;
    /** Null until the agent knows the settings kept in the log: the file on disk is then left as it is. */
    private volatile String parametersText;
    /** What this object last wrote to the settings file: the loop asks every round, the disk only on a change. */
    private volatile String parametersWritten;

    DataDirectory(Path dir, OsCommand os) {
        this.dir = dir;
        this.os = os;
    }

    Path path() {
        return dir;
    }

    boolean isInitialized() {
        return Files.isRegularFile(dir.resolve("PG_VERSION"));
    }

    boolean hasStandbySignal() {
        return Files.exists(dir.resolve(STANDBY_SIGNAL));
    }

    /** A few names of what the directory holds; empty when it is empty or absent. */
    List<String> someEntries() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.limit(5).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new PostgresException("cannot list " + dir + ": " + e, e);
        }
    }

    /** The primary recorded in raftpool.conf, if this is configured as a standby. */
    Optional<StandbySource> standbySource() {
        if (!hasStandbySignal()) {
            return Optional.empty();
        }
        try {
            return ManagedSettings.standbySourceOf(Files.readString(dir.resolve(ManagedSettings.FILE_NAME)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new PostgresException("cannot read " + dir.resolve(ManagedSettings.FILE_NAME) + ": " + e, e);
        }
    }

    /** Writes raftpool.conf and pg_hba.conf for this node, and standby.signal when it follows a primary. */
    void writeManagedFiles(ServerSettings settings, Optional<StandbySource> standby) {
        ensureIncludeLine();
        os.writeFile(dir.resolve(ManagedSettings.FILE_NAME), ManagedSettings.render(settings, standby), "rw-------");
        // private to the os user: pg_hba.conf trusts whoever reaches the socket
        settings.socketDir().ifPresent(sockets -> os.ensureDirectory(sockets, "rwx------"));
        String parameters = parametersText;
        if (parameters != null) {
            writeParameters(parameters);
        }
        removeManagedFromAutoConf();
        os.writeFile(dir.resolve(HbaRules.FILE_NAME), HbaRules.render(settings), "rw-------");
        if (standby.isPresent()) {
            if (!hasStandbySignal()) {
                os.writeFile(dir.resolve(STANDBY_SIGNAL), "", "rw-------");
            }
        } else {
            deleteIfExists(dir.resolve(STANDBY_SIGNAL));
        }
    }

    /**
     * Keeps {@code text} as the settings file's content for every later write, and writes it now
     * when the data directory exists and holds something else (every rewrite of the managed files,
     * a rebuild's too, writes it as well). Returns whether it wrote.
     */
    boolean useParameters(String text) {
        parametersText = text;
        if (text.equals(parametersWritten)) {
            return false;
        }
        if (!Files.isDirectory(dir) || !Files.exists(dir.resolve(POSTGRESQL_CONF))) {
            return false;
        }
        try {
            Path file = dir.resolve(ManagedSettings.PARAMETERS_FILE_NAME);
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                parametersWritten = text;
                return false;
            }
        } catch (IOException e) {
            throw new PostgresException("cannot read " + dir.resolve(ManagedSettings.PARAMETERS_FILE_NAME) + ": " + e, e);
        }
        writeParameters(text);
        return true;
    }

    private void writeParameters(String text) {
        os.writeFile(dir.resolve(ManagedSettings.PARAMETERS_FILE_NAME), text, "rw-------");
        parametersWritten = text;
    }

    /**
     * postgresql.auto.conf is read after raftpool.conf and wins: a primary_conninfo left there by
     * pg_basebackup -R or ALTER SYSTEM (a server raftpool adopted) would keep a standby on its old
     * primary after a failover. The settings raftpool owns are taken out of it.
     */
    private void removeManagedFromAutoConf() {
        Path auto = dir.resolve("postgresql.auto.conf");
        if (!Files.exists(auto)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(auto, StandardCharsets.UTF_8);
            List<String> kept = lines.stream().filter(l -> !ServerSettings.MANAGED_PARAMETERS.contains(settingName(l)))
                    .toList();
            if (kept.size() != lines.size()) {
                List<String> removed = lines.stream().map(DataDirectory::settingName)
                        .filter(ServerSettings.MANAGED_PARAMETERS::contains).toList();
                os.writeFile(auto, String.join("\n", kept) + "\n", "rw-------");
                LOG.warn("{}: removed {} from postgresql.auto.conf: raftpool sets them in {}", dir, removed,
                        ManagedSettings.FILE_NAME);
            }
        } catch (IOException e) {
            throw new PostgresException("cannot read " + auto + ": " + e, e);
        }
    }

    private static String settingName(String line) {
        String t = line.trim();
        int eq = t.indexOf('=');
        return t.startsWith("#") || eq <= 0 ? "" : t.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** postgresql.conf reads raftpool.conf: added once, after initdb or a copy from a server without it. */
    void ensureIncludeLine() {
        Path conf = dir.resolve(POSTGRESQL_CONF);
        try {
            List<String> lines = Files.readAllLines(conf, StandardCharsets.UTF_8);
            if (lines.stream().map(String::trim).anyMatch(ManagedSettings.INCLUDE_LINE::equals)) {
                return;
            }
            Files.writeString(conf, "\n# raftpool's settings for this node (rewritten before every start)\n"
                    + ManagedSettings.INCLUDE_LINE + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (NoSuchFileException e) {
            throw new PostgresException(conf + " does not exist: " + dir + " is not a complete data directory");
        } catch (IOException e) {
            throw new PostgresException("cannot add the include line to " + conf + ": " + e, e);
        }
    }

    /** Removes a postmaster.pid whose postmaster is gone: PostgreSQL would take a zombie's pid for a live server. */
    boolean removeStalePidFile() {
        return deleteIfExists(dir.resolve(PostmasterPidFile.FILE_NAME));
    }

    private static boolean deleteIfExists(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new PostgresException("cannot remove " + file + ": " + e, e);
        }
    }
}
