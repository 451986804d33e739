package io.raftpool.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The WAL archive every PostgreSQL node shares (issue 16): the primary archives each finished
 * WAL segment into it, standbys restore from it what the primary no longer keeps, and pg_rewind
 * finds there the WAL the old primary no longer has. At most one of the two kinds is set.
 *
 * @param directory  a directory mounted at this path on every PostgreSQL node
 * @param pgbackrest a pgBackRest repository (its stanza), reached with the pgbackrest program
 */
public record ArchiveSettings(Optional<Path> directory, Optional<PgBackRestSettings> pgbackrest) {
    public static final ArchiveSettings NONE = new ArchiveSettings(Optional.empty(), Optional.empty());

    public ArchiveSettings {
        if (directory.isPresent() && pgbackrest.isPresent()) {
            throw new IllegalArgumentException("archive: directory and pgbackrest exclude each other");
        }
    }

    public static ArchiveSettings directory(Path dir) {
        return new ArchiveSettings(Optional.of(dir), Optional.empty());
    }

    public static ArchiveSettings pgbackrest(PgBackRestSettings settings) {
        return new ArchiveSettings(Optional.empty(), Optional.of(settings));
    }

    /** Whether servers archive their WAL (and restore from the archive) at all. */
    public boolean enabled() {
        return directory.isPresent() || pgbackrest.isPresent();
    }
}
