package io.raftpool.server.local;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.Recovery;
import io.raftpool.proto.RecoveryDone;
import io.raftpool.proto.RecoveryFailed;
import io.raftpool.proto.RecoveryStep;
import io.raftpool.server.hooks.HookRunner;
import io.raftpool.server.hooks.HookValues;
import io.raftpool.proto.BackupInfo;
import io.raftpool.server.postgres.BaseBackup;
import io.raftpool.server.postgres.PgBackRest;
import io.raftpool.server.postgres.ServerSettings;
import io.raftpool.server.postgres.CopyProgress;
import io.raftpool.server.state.BaseBackups;
import io.raftpool.server.postgres.Divergence;
import io.raftpool.server.postgres.ProbeResult;
import io.raftpool.server.postgres.StopMode;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * recovery-node on this agent's own server: each committed recovery of it is carried out by one
 * {@link Run}. The old data directory a copy moved aside is kept until a rebuilt standby is up.
 */
final class NodeRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRecovery.class);

    private final OwnServer own;
    private final LocalMemory memory;
    private final Reports reports;
    private final LocalHooks hooks;
    private Path asideDir;

    NodeRecovery(OwnServer own, LocalMemory memory, Reports reports, LocalHooks hooks) {
        this.own = own;
        this.memory = memory;
        this.reports = reports;
        this.hooks = hooks;
    }

    void run(Recovery recovery) {
        new Run(recovery).run();
    }

    /**
     * One run of a committed recovery of this server: stop it, pg_rewind from the primary (fast
     * path), else move the data directory aside and pg_basebackup; start as a standby; wait until
     * it streams; commit the outcome. Each phase is committed as it starts. If the recovery is
     * voided meanwhile (a new epoch), it stops; if this agent dies, the next one starts over.
     */
    private final class Run {
        private final Recovery recovery;
        private final long startedMs = own.clocks().monoMs();
        private final StringBuilder phaseTimes = new StringBuilder();
        private String phase = "";
        private long phaseStartedMs = startedMs;
        private long lastProgressMs;

        Run(Recovery recovery) {
            this.recovery = recovery;
        }

        void run() {
            ClusterState s = own.state();
            NodeInfo source = OwnServer.node(s, recovery.getSource());
            Map<String, String> hookValues = HookValues.of(s, own.id(), -1, source.getId(), recovery.getEpoch());
            try {
                hooks.runNow(HookRunner.Hook.BEFORE_RECOVERY, hookValues);
                step("stopping", "", "");
                own.pg().stop(StopMode.FAST, OwnServer.STOP_TIMEOUT);
                String method = rewindOrCopy(source);
                step("starting", "", method);
                own.pg().start(OwnServer.START_TIMEOUT);
                step("catching up", "", method);
                awaitStreaming();
                int timeline = own.pg().timeline(own.config().healthCheck().timeout());
                removeAsideDir();
                long took = own.clocks().monoMs() - startedMs;
                endPhase();
                reports.submitOrThrow(Command.newBuilder().setRecoveryDone(RecoveryDone.newBuilder().setNodeId(own.id())
                        .setEpoch(recovery.getEpoch()).setMethod(method).setDurationMs(took).setTimeline(timeline)
                        .setPhases(phaseTimes.toString())));
                LOG.info("recovery done with {} in {} ms ({}): streaming from node {}", method, took, phaseTimes,
                        source.getId());
                memory.protectedDataDir = false;
                memory.startupReconciled = true;
                hooks.runInBackground(HookRunner.Hook.AFTER_RECOVERY, hookValues);
            } catch (Voided v) {
                LOG.info("recovery stopped: {}", v.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("recovery failed: {}", e.getMessage());
                reports.submit(Command.newBuilder().setRecoveryFailed(RecoveryFailed.newBuilder().setNodeId(own.id())
                        .setEpoch(recovery.getEpoch()).setReason(e.getMessage() == null ? e.toString() : e.getMessage())));
                memory.backOff(own.clocks().monoMs());
            }
        }

        private String rewindOrCopy(NodeInfo source) {
            if (recovery.getFromBackup()) {
                return restoreBackup(source);
            }
            if (own.pg().isInitialized()) {
                try {
                    Divergence d = own.pg().divergenceFrom(source.getHost(), source.getPgPort());
                    if (!d.diverged()) {
                        LOG.info("recovery of node {}: no rewind needed, {}", own.id(), d.why());
                        own.pg().followWithoutRewind(source.getHost(), source.getPgPort(), own.slot());
                        return "timeline switch (no rewind needed)";
                    }
                    LOG.info("recovery of node {}: rewind needed, {}", own.id(), d.why());
                } catch (RuntimeException e) {
                    LOG.info("recovery of node {}: cannot tell whether its WAL diverged, rewinding: {}", own.id(),
                            e.getMessage());
                }
                step("rewinding", "", "pg_rewind");
                try {
                    // pg_rewind first finishes crash recovery in single-user mode, which refuses a
                    // data directory set up as a standby; the rewind writes the standby set-up again.
                    own.pg().configureAsPrimary();
                    // with an archive, the WAL the old primary recycled since the fork is found there
                    boolean archive = own.pg().settings().archive().enabled();
                    own.pg().rewindFrom(source.getHost(), source.getPgPort(), own.slot(), archive, this::progress);
                    return "pg_rewind";
                } catch (RuntimeException e) {
                    LOG.warn("pg_rewind from node {} failed, copying with pg_basebackup instead: {}", source.getId(),
                            e.getMessage());
                }
                own.pg().moveDataDirAside().ifPresent(aside -> {
                    asideDir = aside;
                    LOG.info("old data directory kept at {} until the rebuilt standby is up", aside);
                });
            }
            step("basebackup", "", "pg_basebackup");
            own.pg().baseBackupFrom(source.getHost(), source.getPgPort(), own.slot(), this::progress);
            return "pg_basebackup";
        }

        /**
         * recovery-node --from-backup: the newest backup instead of a copy from the primary; the
         * server then replays the archive up to where it can stream (the primary serves only the rest).
         */
        private String restoreBackup(NodeInfo source) {
            BackupInfo latest = BaseBackups.latest(own.state()).orElseThrow(() -> new IllegalStateException(
                    "no base backup is recorded: take one with raftpool backup"));
            String method = "backup " + latest.getLabel();
            own.pg().moveDataDirAside().ifPresent(aside -> {
                asideDir = aside;
                LOG.info("old data directory kept at {} until the restored standby is up", aside);
            });
            step("restoring", latest.getSizeBytes() / (1024 * 1024) + " MB", method);
            ServerSettings settings = own.pg().settings();
            if (settings.archive().pgbackrest().isPresent()) {
                new PgBackRest(settings.archive().pgbackrest().get(), own.config(), own.self(), own.pg().os())
                        .restore(latest.getLabel(), settings.dataDir(), this::progress, OwnServer.COPY_TIMEOUT);
            } else {
                new BaseBackup(settings, own.pg().os()).restore(latest.getLabel(), OwnServer.COPY_TIMEOUT);
            }
            own.pg().configureAsStandby(source.getHost(), source.getPgPort(), own.slot());
            return method;
        }

        private void progress(CopyProgress p) {
            progress(p.text());
        }

        /** At most once a second: logged, and committed as the current phase's progress. */
        private void progress(String text) {
            long now = own.clocks().monoMs();
            if (now - lastProgressMs >= 1000) {
                lastProgressMs = now;
                LOG.info("recovery of node {}: {}", own.id(), text);
                // runs on the copy's output thread: report, never throw
                own.state().getRecoveriesList().stream()
                        .filter(r -> r.getNodeId() == own.id() && r.getEpoch() == recovery.getEpoch()).findFirst()
                        .ifPresent(current -> reports.submit(Command.newBuilder().setRecoveryStep(RecoveryStep.newBuilder()
                                .setNodeId(own.id()).setEpoch(recovery.getEpoch()).setPhase(current.getPhase())
                                .setProgress(text).setMethod(current.getMethod()))));
            }
        }

        /**
         * Until it streams. A server restored from a backup may replay the archive for long: the
         * wait goes on while its replay position moves, shown as the phase's progress.
         */
        private void awaitStreaming() {
            long deadline = own.clocks().monoMs() + OwnServer.START_TIMEOUT.toMillis();
            long replayed = 0;
            while (own.clocks().monoMs() < deadline) {
                current();
                ProbeResult r = own.probe();
                if (r.streaming()) {
                    return;
                }
                if (recovery.getFromBackup() && r.reachable() && r.replayLsn() > replayed) {
                    replayed = r.replayLsn();
                    deadline = own.clocks().monoMs() + OwnServer.START_TIMEOUT.toMillis();
                    progress("replayed the archive up to " + Divergence.lsn(replayed));
                }
                pause(25); // a local probe; the node counts as up the moment it streams
            }
            throw new IllegalStateException("the rebuilt standby does not stream after "
                    + OwnServer.START_TIMEOUT.toSeconds() + " s" + (replayed > 0 ? " without replaying further" : "")
                    + "; see its log " + own.pg().settings().logFile());
        }

        private void step(String phase, String progress, String method) {
            current();
            endPhase();
            this.phase = phase;
            LOG.info("recovery of node {}: {}", own.id(), phase);
            reports.submitOrThrow(Command.newBuilder().setRecoveryStep(RecoveryStep.newBuilder().setNodeId(own.id())
                    .setEpoch(recovery.getEpoch()).setPhase(phase).setProgress(progress).setMethod(method)));
        }

        /** Adds the phase that just ended to the per-phase times the final log line shows. */
        private void endPhase() {
            long now = own.clocks().monoMs();
            if (!phase.isEmpty()) {
                phaseTimes.append(phaseTimes.isEmpty() ? "" : ", ").append(phase).append(' ').append(now - phaseStartedMs)
                        .append(" ms");
            }
            phaseStartedMs = now;
        }

        /** The committed recovery, or {@link Voided} when it is gone or against another primary. */
        private Recovery current() {
            return own.state().getRecoveriesList().stream()
                    .filter(r -> r.getNodeId() == own.id() && r.getEpoch() == recovery.getEpoch()).findFirst()
                    .orElseThrow(() -> new Voided("the recovery of epoch " + recovery.getEpoch() + " is no longer committed"));
        }
    }

    /** The recovery a run works on was voided or finished by someone else. */
    private static final class Voided extends RuntimeException {
        Voided(String why) {
            super(why);
        }
    }

    private void removeAsideDir() {
        if (asideDir != null) {
            try {
                own.pg().removeDir(asideDir);
                LOG.info("removed the old data directory {}", asideDir);
            } catch (RuntimeException e) {
                LOG.warn("cannot remove the old data directory {}: {}", asideDir, e.getMessage());
            }
            asideDir = null;
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
