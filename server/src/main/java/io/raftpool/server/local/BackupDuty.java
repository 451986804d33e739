package io.raftpool.server.local;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackupDone;
import io.raftpool.proto.BackupInfo;
import io.raftpool.proto.BackupStep;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.server.postgres.BaseBackup;
import io.raftpool.server.postgres.CopyProgress;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
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
    private final AtomicLong running = new AtomicLong();
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
        long requested = ClusterStates.backend(s, own.id()).map(Backend::getBackupRequestedMs).orElse(0L);
        if (requested == 0 || !serverRunning || !running.compareAndSet(0, requested)) {
            return;
        }
        worker.execute(() -> {
            try {
                take(requested);
            } finally {
                running.set(0);
            }
        });
    }

    private void take(long requestedMs) {
        long[] lastReport = {0};
        BackupDone.Builder done = BackupDone.newBuilder().setNodeId(own.id()).setRequestedMs(requestedMs);
        try {
            LOG.info("base backup of this server into the archive (raftpool backup)");
            BaseBackup backup = new BaseBackup(own.pg().settings(), own.pg().os());
            BackupInfo info = backup.take(own.clocks().wallMs(), p -> progress(requestedMs, p, lastReport), TIMEOUT);
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
