package io.raftpool.server.local;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackupDone;
import io.raftpool.proto.BackupInfo;
import io.raftpool.proto.BackupStep;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.server.postgres.BaseBackup;
import io.raftpool.server.postgres.CopyProgress;
import io.raftpool.server.postgres.PgBackRest;
import io.raftpool.server.state.BaseBackups;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * raftpool backup, on the node asked: a committed request is carried out on a thread of its own,
 * beside the local loop (a promotion of this standby must not wait for a copy), with its progress
 * committed once a second and its outcome committed as BackupDone. A new agent that finds the
 * request still open takes the backup again from the start.
 */
final class BackupDuty {
    private static final Logger LOG = LoggerFactory.getLogger(BackupDuty.class);
    private static final Duration TIMEOUT = Duration.ofHours(12);

    private final OwnServer own;
    private final Reports reports;
    private static final long STANZA_RETRY_MS = 30_000;

    /** The request being carried out; -1 while the stanza is being created; 0: idle. */
    private final AtomicLong running = new AtomicLong();
    private volatile boolean stanzaReady;
    private volatile long nextStanzaTryMs;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "base-backup");
        t.setDaemon(true);
        return t;
    });

    BackupDuty(OwnServer own, Reports reports) {
        this.own = own;
        this.reports = reports;
    }

    void reconcile(ClusterState s, boolean serverRunning) {
        Backend self = ClusterStates.backend(s, own.id()).orElse(Backend.getDefaultInstance());
        long requested = self.getBackupRequestedMs();
        boolean primary = s.getPrimary().getNodeId() == own.id() && s.getPrimary().getEpoch() > 0;
        if (requested == 0 && primary && serverRunning && pgBackRest().isPresent() && !stanzaReady
                && own.clocks().monoMs() >= nextStanzaTryMs && running.compareAndSet(0, -1)) {
            worker.execute(() -> {
                try {
                    ensureStanza();
                } finally {
                    running.set(0);
                }
            });
            return;
        }
        if (requested == 0 || !serverRunning || !running.compareAndSet(0, requested)) {
            return;
        }
        String type = BaseBackups.typeOf(self.getBackupType());
        worker.execute(() -> {
            try {
                take(requested, type, !primary);
            } finally {
                running.set(0);
            }
        });
    }

    /**
     * pgBackRest archives nothing until its stanza exists: the primary's agent creates it (or
     * checks it) once, and again after a failure, at most every half minute.
     */
    private void ensureStanza() {
        try {
            pgBackRest().orElseThrow().ensureStanza();
            stanzaReady = true;
            LOG.info("pgBackRest stanza {} is ready", own.pg().settings().archive().pgbackrest().orElseThrow().stanza());
        } catch (RuntimeException e) {
            nextStanzaTryMs = own.clocks().monoMs() + STANZA_RETRY_MS;
            LOG.warn("pgbackrest stanza-create failed, trying again in {} s: {}", STANZA_RETRY_MS / 1000,
                    e.getMessage());
        }
    }

    private Optional<PgBackRest> pgBackRest() {
        return own.pg().settings().archive().pgbackrest()
                .map(b -> new PgBackRest(b, own.config(), own.self(), own.pg().os()));
    }

    private void take(long requestedMs, String type, boolean fromStandby) {
        long[] lastReport = {0};
        BackupDone.Builder done = BackupDone.newBuilder().setNodeId(own.id()).setRequestedMs(requestedMs);
        try {
            BackupInfo info;
            Optional<PgBackRest> pgbackrest = pgBackRest();
            if (pgbackrest.isPresent()) {
                LOG.info("pgbackrest {} backup of this server (raftpool backup{})", type,
                        fromStandby ? ", --backup-standby" : ", from the primary");
                ensureStanza();
                info = pgbackrest.get().backup(type, fromStandby, p -> progress(requestedMs, p, lastReport), TIMEOUT);
            } else {
                LOG.info("base backup of this server into the archive (raftpool backup)");
                BaseBackup backup = new BaseBackup(own.pg().settings(), own.pg().os());
                info = backup.take(own.clocks().wallMs(), p -> progress(requestedMs, p, lastReport), TIMEOUT);
            }
            done.setOk(true).setInfo(info.toBuilder().setNodeId(own.id()));
        } catch (RuntimeException e) {
            LOG.warn("base backup failed: {}", e.getMessage());
            done.setOk(false).setReason(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        reports.submit(Command.newBuilder().setBackupDone(done));
    }

    private void progress(long requestedMs, CopyProgress p, long[] lastReport) {
        long now = own.clocks().monoMs();
        if (now - lastReport[0] < 1000) {
            return;
        }
        lastReport[0] = now;
        String text = p.text();
        LOG.info("base backup: {}", text);
        reports.submit(Command.newBuilder().setBackupStep(BackupStep.newBuilder().setNodeId(own.id())
                .setRequestedMs(requestedMs).setProgress(text)));
    }
}
