package io.raftpool.harness;

import io.raftpool.server.postgres.Command;
import io.raftpool.server.postgres.OsCommand;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.ServerSettings;
import java.time.Duration;

/**
 * A fault for tests: WAL that the current primary never had, written into a stopped server, as
 * an old primary that took writes after a failover would have.
 */
public final class DivergentWal {
    private DivergentWal() {}

    /**
     * Runs {@code sql} on node {@code id}'s stopped server in single-user mode (no socket, so no
     * one else sees it). Single-user mode refuses a standby set-up, which its agent may already
     * have written, so that goes first.
     */
    public static void writeWhileDown(LocalCluster cluster, int id, String sql) {
        PostgresServer pg = cluster.postgres(id);
        ServerSettings settings = pg.settings();
        if (pg.isRunning()) {
            throw new HarnessException("node " + id + "'s PostgreSQL runs; stop it before writing in single-user mode");
        }
        OsCommand.forUser(cluster.config().requireNode(id).requirePostgres().osUser()).run(Command.of(Duration.ofSeconds(60),
                "/bin/sh", "-c", "rm -f " + settings.dataDir().resolve("standby.signal") + " && echo \"" + sql
                        + "\" | exec " + settings.bin("postgres") + " --single -D " + settings.dataDir() + " postgres")
                .named("postgres --single"));
    }
}
