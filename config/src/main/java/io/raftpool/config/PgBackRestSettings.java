package io.raftpool.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code archive.pgbackrest}: WAL archiving and backups through pgBackRest. The repository
 * (repo1-path, or an object store) and, across hosts, how pgBackRest reaches the other servers
 * (its TLS server or SSH) stay in pgBackRest's own configuration file; raftpool names the stanza
 * and tells pgBackRest where each server is (data directory, port, socket directory).
 *
 * @param stanza the stanza's name
 * @param config pgBackRest's configuration file; empty: its default (/etc/pgbackrest/pgbackrest.conf)
 */
public record PgBackRestSettings(String stanza, Optional<Path> config) {
    /** What a stanza name may hold; it goes into the shell commands PostgreSQL runs. */
    public static final String STANZA_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";
}
