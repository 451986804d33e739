package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** archive.directory on the node: made for the PostgreSQL user when missing, refused when that user cannot write it. */
class ArchiveDirectoryTest {
    private static final String USER = "postgres";

    private static boolean canChown() {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(USER);
            return "root".equals(System.getProperty("user.name"));
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aMissingArchiveIsMadeForThePostgresUser(@TempDir Path tmp) throws Exception {
        assumeTrue(canChown(), "needs root and a postgres user (as CI has)");
        Path dir = tmp.resolve("wal/archive");

        assertThat(ArchiveDirectory.prepare(dir, USER)).isEmpty();
        assertThat(Files.getOwner(dir).getName()).isEqualTo(USER);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void anArchiveThePostgresUserCannotWriteIsRefusedWithTheFix(@TempDir Path tmp) throws Exception {
        assumeTrue(canChown(), "needs root and a postgres user (as CI has)");
        Path dir = Files.createDirectory(tmp.resolve("archive"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(ArchiveDirectory.prepare(dir, USER)).hasValue("archive.directory: " + dir + " is not writable by"
                + " postgres (owner root, mode rwxr-xr-x); allowed: a directory postgres can write, e.g. chown postgres "
                + dir);
    }

    @Test
    void aFileIsNoArchive(@TempDir Path tmp) throws Exception {
        assumeTrue(canChown(), "needs root and a postgres user (as CI has)");
        Path file = Files.writeString(tmp.resolve("archive"), "");

        assertThat(ArchiveDirectory.prepare(file, USER)).hasValue("archive.directory: " + file
                + " is not a directory; point it at the WAL archive's directory");
    }

    /** Agents of several nodes on one machine start at once: none may find the archive half made. */
    @Test
    void agentsMakingItAtOnceAllFindItReady(@TempDir Path tmp) throws Exception {
        assumeTrue(canChown(), "needs root and a postgres user (as CI has)");
        for (int round = 0; round < 20; round++) {
            Path dir = tmp.resolve("archive" + round);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
            try {
                var answers = pool.invokeAll(java.util.Collections.nCopies(3,
                        (java.util.concurrent.Callable<java.util.Optional<String>>) () -> ArchiveDirectory.prepare(dir, USER)));
                for (var a : answers) {
                    assertThat(a.get()).isEmpty();
                }
            } finally {
                pool.shutdown();
            }
            assertThat(Files.getOwner(dir).getName()).isEqualTo(USER);
        }
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".new-"));
        }
    }
}
