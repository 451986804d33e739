package io.raftpool.server.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this server a standby of another, or a primary again: a fresh copy with pg_basebackup,
 * the standby settings (standby.signal, raftpool.conf), and the replication slots, both the one
 * it holds on its source and those it keeps, as a primary, for its own standbys.
 */
record StandbySetup(ServerSettings settings, OsCommand os, DataDirectory dataDir, ServerChecks checks,
                    Superuser superuser) {
    private static final Logger log = LoggerFactory.getLogger(StandbySetup.class);

    void baseBackupFrom(StandbySource source, ProgressListener progress, Duration timeout) {
        checks.requireStopped("pg_basebackup into its data directory");
        List<String> entries = dataDir.someEntries();
        if (!entries.isEmpty()) {
            throw new PostgresException("data directory " + settings.dataDir() + " is not empty (it holds "
                    + String.join(", ", entries) + "...); pg_basebackup needs an empty one:"
                    + " move it aside first (moveDataDirAside) or remove it");
        }
        os.ensureDirectory(settings.dataDir(), "rwx------");
        ensureSlotOn(source);
        Stopwatch took = Stopwatch.start();
        List<String> argv = List.of(settings.bin("pg_basebackup").toString(), "-h", source.host(), "-p",
                Integer.toString(source.port()), "-U", settings.replicationUser(), "-D", settings.dataDir().toString(),
                "-X", "stream", "-c", "fast", "-P", "-S", source.slotName(), "-w");
        Command command = Command.of(timeout, argv).named("pg_basebackup").withPassword(settings.replicationPassword())
                .onLine(line -> CopyProgress.parse(line).ifPresent(progress::onProgress));
        os.run(command);
        dataDir.writeManagedFiles(settings, Optional.of(source));
        log.info("built PostgreSQL {}'s data directory with pg_basebackup from {} in {} ms", settings.nodeName(),
                source, took.millis());
    }

    /** The standby settings only; a running server rereads them when reloaded. */
    void configureAsStandby(String primaryHost, int primaryPort, String slotName) {
        checks.requireInitialized("configure as a standby");
        StandbySource source = new StandbySource(primaryHost, primaryPort, slotName);
        dataDir.writeManagedFiles(settings, Optional.of(source));
        log.info("{}: configured as standby of {}", settings.nodeName(), source);
    }

    void configureAsPrimary() {
        checks.requireInitialized("configure as a primary");
        dataDir.writeManagedFiles(settings, Optional.empty());
        log.info("{}: configured as primary", settings.nodeName());
    }

    void ensureSlot(String slotName) {
        SlotNames.requireValid(slotName);
        try (Connection c = superuser.connect(Superuser.CONNECT_TIMEOUT)) {
            ReplicationSlots.Action action = ReplicationSlots.ensure(c, slotName);
            if (action != ReplicationSlots.Action.NONE) {
                log.info("{}: replication slot {} {}", settings.nodeName(), slotName,
                        action == ReplicationSlots.Action.CREATE ? "created" : "recreated (it had lost its WAL)");
            }
        } catch (SQLException e) {
            throw new PostgresException("cannot make replication slot " + slotName + " on " + settings.address()
                    + ": " + e.getMessage(), e);
        }
    }

    void dropSlot(String slotName) {
        SlotNames.requireValid(slotName);
        try (Connection c = superuser.connect(Superuser.CONNECT_TIMEOUT)) {
            if (ReplicationSlots.drop(c, slotName)) {
                log.info("{}: replication slot {} dropped", settings.nodeName(), slotName);
            }
        } catch (SQLException e) {
            throw new PostgresException("cannot drop replication slot " + slotName + " on " + settings.address()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The slot this server holds on its source, made first so the source keeps the WAL it will ask for. */
    void ensureSlotOn(StandbySource source) {
        PgEndpoint endpoint = superuser.at(source.host(), source.port());
        try (Connection c = PgProbe.connect(endpoint, Superuser.CONNECT_TIMEOUT)) {
            ReplicationSlots.Action action = ReplicationSlots.ensure(c, source.slotName());
            if (action != ReplicationSlots.Action.NONE) {
                log.info("{}: replication slot {} {} on {}", settings.nodeName(), source.slotName(),
                        action == ReplicationSlots.Action.CREATE ? "created" : "recreated", endpoint.address());
            }
        } catch (SQLException e) {
            throw new PostgresException("cannot make replication slot " + source.slotName() + " on "
                    + endpoint.address() + ": " + e.getMessage(), e);
        }
    }
}
