package io.raftpool.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The WAL archive every PostgreSQL node shares (issue 16): the primary archives each finished
 * WAL segment into it, standbys restore from it what the primary no longer keeps, and pg_rewind
 * finds there the WAL the old primary no longer has.
 *
 * @param directory a directory mounted at this path on every PostgreSQL node; empty: no archive
 */
public record ArchiveSettings(Optional<Path> directory) {
    public static final ArchiveSettings NONE = new ArchiveSettings(Optional.empty());
}
