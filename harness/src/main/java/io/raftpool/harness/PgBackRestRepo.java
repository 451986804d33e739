package io.raftpool.harness;

import io.raftpool.server.postgres.OsCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pgBackRest repository for a local cluster: its directories under the cluster's, owned by
 * the os user that runs PostgreSQL, and a pgbackrest.conf naming them (what an operator writes
 * in /etc/pgbackrest/pgbackrest.conf; raftpool adds the servers on the command line).
 */
final class PgBackRestRepo {
    static final String STANZA = "raftpool";

    private PgBackRestRepo() {}

    /** Writes {@code dir/pgbackrest/pgbackrest.conf} and makes its directories; returns the file. */
    static Path write(Path dir, String osUser) {
        Path root = dir.resolve("pgbackrest");
        OsCommand os = OsCommand.forUser(osUser);
        for (String sub : new String[] {"repo", "log", "lock", "spool"}) {
            os.ensureDirectory(root.resolve(sub), "rwx------");
        }
        Path conf = root.resolve("pgbackrest.conf");
        String text = "# written by raftpool's local cluster harness\n"
                + "[global]\n"
                + "repo1-path=" + root.resolve("repo") + "\n"
                + "repo1-retention-full=4\n"
                + "log-path=" + root.resolve("log") + "\n"
                + "lock-path=" + root.resolve("lock") + "\n"
                + "spool-path=" + root.resolve("spool") + "\n"
                + "log-level-file=detail\n"
                + "compress-type=lz4\n";
        try {
            Files.writeString(conf, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + conf + ": " + e.getMessage(), e);
        }
        return conf;
    }
}
