package io.raftpool.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The checks that only make sense on the node itself: its PostgreSQL binaries exist, its OS
 * user exists, the WAL archive is there for that user. Run by an agent at start, not by the CLI
 * (which may run elsewhere).
 */
final class LocalNodeCheck {
    /** What an agent needs in bin_dir: to start and stop a server, create one, and rebuild one as a standby. */
    static final List<String> PG_PROGRAMS = List.of("pg_ctl", "initdb", "postgres", "pg_basebackup", "pg_rewind");

    private LocalNodeCheck() {}

    /** A witness has nothing to check. */
    static void check(ClusterConfig config, int nodeId) {
        NodeConfig node = config.requireNode(nodeId);
        List<String> problems = new ArrayList<>();
        node.postgres().ifPresent(pg -> {
            String where = "nodes[id=" + nodeId + "].postgres.";
            if (!Files.isDirectory(pg.binDir())) {
                problems.add(where + "bin_dir: " + pg.binDir() + " is not a directory; point it at the PostgreSQL"
                        + " binaries (the directory holding pg_ctl), or install them: apt-get install postgresql");
            } else {
                List<String> missing = PG_PROGRAMS.stream().filter(p -> !Files.isExecutable(pg.bin(p))).toList();
                if (!missing.isEmpty()) {
                    problems.add(where + "bin_dir: " + pg.binDir() + " has no executable " + String.join(", ", missing)
                            + "; it must hold the PostgreSQL server programs " + String.join(", ", PG_PROGRAMS)
                            + " (Debian: /usr/lib/postgresql/<version>/bin)");
                }
            }
            if (!osUserExists(pg.osUser())) {
                problems.add(where + "os_user: '" + pg.osUser() + "' is not a user on this machine; create it"
                        + " (useradd) or name the user that runs PostgreSQL here (PostgreSQL refuses to run as root)");
            } else {
                config.archive().directory().flatMap(dir -> ArchiveDirectory.prepare(dir, pg.osUser()))
                        .ifPresent(problems::add);
                config.archive().pgbackrest().flatMap(b -> pgBackRestProblem(b, programDirs()))
                        .ifPresent(problems::add);
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream().map(p -> config.source() + ": " + p).toList());
        }
    }

    /** The PATH's directories and /usr/bin, where Debian puts pgbackrest. */
    private static List<Path> programDirs() {
        List<Path> dirs = new ArrayList<>();
        Arrays.stream(Optional.ofNullable(System.getenv("PATH")).orElse("").split(":")).filter(d -> !d.isEmpty())
                .map(Path::of).forEach(dirs::add);
        dirs.add(Path.of("/usr/bin"));
        return dirs;
    }

    /** The pgbackrest program (in one of {@code programDirs}) and the configuration file it is given. */
    static Optional<String> pgBackRestProblem(PgBackRestSettings b, List<Path> programDirs) {
        boolean installed = programDirs.stream().anyMatch(dir -> Files.isExecutable(dir.resolve("pgbackrest")));
        if (!installed) {
            return Optional.of("archive.pgbackrest: the pgbackrest program is not installed on this host; install it"
                    + " (apt-get install pgbackrest) or remove archive.pgbackrest");
        }
        if (b.config().isPresent() && !Files.isRegularFile(b.config().get())) {
            return Optional.of("archive.pgbackrest.config: " + b.config().get() + " is not a file; write pgBackRest's"
                    + " configuration there (at least repo1-path), or remove the key to use /etc/pgbackrest/pgbackrest.conf");
        }
        return Optional.empty();
    }

    private static boolean osUserExists(String name) {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
            return true;
        } catch (UserPrincipalNotFoundException e) {
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            // No way to look users up here: PostgreSQL's own start reports a missing user.
            return true;
        }
    }
}
