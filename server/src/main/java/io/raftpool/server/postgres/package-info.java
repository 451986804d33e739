/**
 * The one way raftpool touches a PostgreSQL server: the agent, the harness and the chaos tool
 * all go through this package.
 *
 * <ul>
 *   <li>{@link io.raftpool.server.postgres.PostgresServer}: this node's server, the one object
 *       callers hold; it runs one action at a time and hands each to the part for its job:
 *       {@code ServerLifecycle} (initdb, start, stop, kill, reload, promote),
 *       {@code StandbySetup} (pg_basebackup, standby settings, slots), {@code InPlaceRebuild}
 *       (pg_rewind, divergence, following without rewind), {@code DataDirAside},
 *       {@code Superuser} (connections); {@code ServerChecks} is the cheap local check
 *       ({@code isRunning}: postmaster.pid and /proc, no process spawned).</li>
 *   <li>{@link io.raftpool.server.postgres.PgProbe}: connections and health probes of any
 *       server, with a hard deadline; {@link io.raftpool.server.postgres.ProbeResult} is what a
 *       probe saw.</li>
 *   <li>{@link io.raftpool.server.postgres.OsCommand}: runs programs as the os user (setpriv when
 *       raftpool is root), with timeouts and output tails in errors.</li>
 *   <li>Pure parts, tested alone: {@link io.raftpool.server.postgres.ManagedSettings}
 *       (raftpool.conf), {@link io.raftpool.server.postgres.HbaRules} (pg_hba.conf),
 *       {@link io.raftpool.server.postgres.ServerSettings} (validated inputs),
 *       {@link io.raftpool.server.postgres.CopyProgress}, postmaster.pid parsing.</li>
 * </ul>
 *
 * <p>Failures are {@link io.raftpool.server.postgres.PostgresException}s whose message names
 * the server, the command and its last output lines. Passwords travel in the environment
 * (PGPASSWORD), a private temporary file (initdb) or the driver's SCRAM exchange; never in argv,
 * logs or exception messages. primary_conninfo in raftpool.conf (mode 600, in the data
 * directory) does hold the replication password, as PostgreSQL's own -R option would write it.
 */
package io.raftpool.server.postgres;
