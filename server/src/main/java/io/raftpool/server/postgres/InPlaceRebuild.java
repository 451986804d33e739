package io.raftpool.server.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings this stopped server back as a standby of a source whose timeline left it, keeping its
 * data directory: by pg_rewind (refused where a rewind would be wrong), or, when its WAL did not
 * diverge from the source's (see {@link Divergence}), by following the source as it is. Reads
 * the control file (pg_controldata) these choices depend on.
 */
record InPlaceRebuild(ServerSettings settings, OsCommand os, DataDirectory dataDir, ServerChecks checks,
                      Superuser superuser, StandbySetup standby) {
    private static final Logger log = LoggerFactory.getLogger(InPlaceRebuild.class);
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);

    void rewindFrom(StandbySource source, boolean restoreTargetWal, ProgressListener progress, Duration timeout) {
        checks.requireStopped("pg_rewind");
        checks.requireInitialized("rewind");
        requireRewindable(source);
        standby.ensureSlotOn(source);
        checkpointOn(source);
        String sourceServer = "host=" + PgSyntax.conninfoValue(source.host()) + " port=" + source.port() + " user="
                + PgSyntax.conninfoValue(settings.superuser()) + " dbname=postgres connect_timeout=10";
        List<String> argv = new ArrayList<>(List.of(settings.bin("pg_rewind").toString(),
                "--target-pgdata=" + settings.dataDir(), "--source-server=" + sourceServer, "--progress"));
        if (restoreTargetWal) {
            argv.add("--restore-target-wal");
        }
        Stopwatch took = Stopwatch.start();
        Command command = Command.of(timeout, argv).named("pg_rewind").withPassword(settings.superuserPassword())
                .onLine(line -> CopyProgress.parse(line).ifPresent(progress::onProgress));
        os.run(command);
        dataDir.writeManagedFiles(settings, Optional.of(source));
        log.info("rewound PostgreSQL {} from {} in {} ms", settings.nodeName(), source, took.millis());
    }

    /**
     * pg_rewind first finishes an unclean server's crash recovery in single-user mode, which ends
     * with a checkpoint record of its own. On the source's timeline that record is WAL the source
     * does not have, and pg_rewind, which compares timelines, not the WAL on one, would call the
     * server rewound: it would stream garbage and fail at promotion. Refused; the caller copies.
     */
    private void requireRewindable(StandbySource source) {
        ControlData control = controlData();
        if (control.cleanlyShutDown()) {
            return;
        }
        PgEndpoint endpoint = superuser.at(source.host(), source.port());
        int sourceTimeline;
        try (Connection c = PgProbe.connect(endpoint, Superuser.CONNECT_TIMEOUT)) {
            sourceTimeline = PgProbe.timeline(c);
        } catch (SQLException e) {
            throw new PostgresException("cannot read the timeline of " + endpoint.address() + ": " + e.getMessage(), e);
        }
        if (sourceTimeline == control.timeline()) {
            throw new PostgresException("pg_rewind cannot rebuild " + settings.nodeName() + ": it stopped uncleanly ("
                    + control.clusterState() + ") on the source's own timeline " + sourceTimeline
                    + ", where its crash recovery would write WAL the source does not have");
        }
    }

    Divergence divergenceFrom(String host, int port) {
        checks.requireStopped("compare the WAL of");
        checks.requireInitialized("compare the WAL of");
        ControlData control = controlData();
        CommandResult dump = os.execute(Command.of(STEP_TIMEOUT, settings.bin("pg_waldump").toString(), "--quiet",
                "--path=" + settings.dataDir().resolve("pg_wal"), "--timeline=" + control.timeline(),
                "--start=" + Divergence.lsn(control.checkpointLsn())).named("pg_waldump"));
        PgEndpoint endpoint = superuser.at(host, port);
        try (Connection c = PgProbe.connect(endpoint, Superuser.CONNECT_TIMEOUT)) {
            int sourceTimeline = PgProbe.timeline(c);
            long sourceLsn;
            try (var rs = c.createStatement().executeQuery("select pg_current_wal_lsn()::text")) {
                rs.next();
                sourceLsn = ControlData.parseLsn(rs.getString(1));
            }
            String history = "";
            if (sourceTimeline > 1) {
                try (var rs = c.createStatement().executeQuery(String.format(
                        "select pg_read_file('pg_wal/%08X.history')", sourceTimeline))) {
                    rs.next();
                    history = rs.getString(1);
                }
            }
            return Divergence.of(control, Divergence.lastRecordStart(dump.outputTail()), sourceTimeline, sourceLsn,
                    history);
        } catch (SQLException e) {
            throw new PostgresException("cannot read the timeline history of " + endpoint.address() + ": "
                    + e.getMessage(), e);
        }
    }

    void followWithoutRewind(StandbySource source) {
        checks.requireStopped("configure as a standby");
        checks.requireInitialized("configure as a standby");
        standby.ensureSlotOn(source);
        dataDir.writeManagedFiles(settings, Optional.of(source));
        log.info("{}: set up as standby of {} without rewind (its WAL did not diverge)", settings.nodeName(), source);
    }

    ControlData controlData() {
        checks.requireInitialized("read pg_controldata of");
        List<String> lines = new CopyOnWriteArrayList<>();
        os.run(Command.of(STEP_TIMEOUT, settings.bin("pg_controldata").toString(), settings.dataDir().toString())
                .named("pg_controldata").onLine(lines::add));
        return ControlData.parse(lines);
    }

    /**
     * A just-promoted primary records its new timeline in its control file only at its next
     * checkpoint; until then pg_rewind would see "the same timeline" and rewind nothing.
     */
    private void checkpointOn(StandbySource source) {
        PgEndpoint endpoint = superuser.at(source.host(), source.port());
        try (Connection c = PgProbe.connect(endpoint, Superuser.CONNECT_TIMEOUT)) {
            // pg_rewind reads the source's timeline from its control file, which a promoted server
            // updates only at its next checkpoint; when that has happened, no need to force one
            try (var rs = c.createStatement().executeQuery("select (select timeline_id from pg_control_checkpoint())"
                    + " = ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int")) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            }
            c.createStatement().execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new PostgresException("cannot run CHECKPOINT on " + endpoint.address() + " before pg_rewind: "
                    + e.getMessage(), e);
        }
    }
}
