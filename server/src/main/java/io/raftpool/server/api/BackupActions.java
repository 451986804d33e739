package io.raftpool.server.api;

import io.raftpool.config.ArchiveSettings;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackupInfo;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.RequestBackup;
import io.raftpool.proto.RestartRequest;
import io.raftpool.server.state.BaseBackups;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
import java.util.Optional;

/**
 * raftpool backup, and the check recovery-node --from-backup needs: a base backup is committed
 * as a request its node's agent carries out into the WAL archive; without an archive there is
 * nothing to keep it in, nor the WAL to replay it with.
 */
public final class BackupActions {
    static final Duration DEFAULT_WAIT = Duration.ofHours(1);

    private final AdminActions actions;
    private final ArchiveSettings archive;

    BackupActions(AdminActions actions, ArchiveSettings archive) {
        this.actions = actions;
        this.archive = archive;
    }

    /** node_id -1: the up standby with the least lag (a backup must not load the primary). */
    public ActionReply backup(RestartRequest r) {
        Optional<ClusterState> current = actions.currentState();
        if (current.isEmpty()) {
            return actions.notCurrent();
        }
        ClusterState s = current.get();
        if (!archive.enabled()) {
            return AdminActions.refused(noArchive("raftpool backup"));
        }
        String type = BaseBackups.typeOf(r.getBackupType());
        if (!BaseBackups.TYPES.contains(type)) {
            return AdminActions.refused("--type " + type + " is not a backup type; allowed: "
                    + String.join(", ", BaseBackups.TYPES));
        }
        if (!type.equals("full") && archive.pgbackrest().isEmpty()) {
            return AdminActions.refused("--type " + type + " needs archive.pgbackrest: archive.directory keeps full"
                    + " copies (pg_basebackup) only; allowed here: full");
        }
        int node = r.getNodeId() >= 0 ? r.getNodeId() : AdminChecks.leastBehindStandby(s, b -> true);
        if (node < 0) {
            return AdminActions.refused("no standby is up to take the backup from; name a node with --node N (the"
                    + " primary too, at the cost of its load)");
        }
        Optional<String> refusal = BaseBackups.refusal(s, node);
        if (refusal.isPresent()) {
            return AdminActions.refused(refusal.get());
        }
        String last = BaseBackups.latest(s).map(BackupInfo::getLabel).orElse("");
        Optional<String> failure = actions.commit(actions.base().setRequestBackup(RequestBackup.newBuilder()
                .setNodeId(node).setBy(r.getBy()).setType(type)).build(), AdminActions.DEFAULT_WAIT);
        if (failure.isPresent()) {
            return AdminActions.refused(failure.get());
        }
        if (!r.getWait()) {
            return AdminActions.accepted(BaseBackups.named(type) + " of node " + node + " requested", s.getPrimary().getEpoch());
        }
        Duration timeout = r.getTimeoutMs() > 0 ? Duration.ofMillis(r.getTimeoutMs()) : DEFAULT_WAIT;
        ClusterState end = actions.awaitState(timeout, st -> ClusterStates.backend(st, node)
                .map(b -> b.getBackupRequestedMs() == 0).orElse(true));
        if (ClusterStates.backend(end, node).map(Backend::getBackupRequestedMs).orElse(0L) != 0) {
            return AdminActions.refused("the backup of node " + node + " is not done after " + timeout.toSeconds()
                    + " s; it goes on: follow it with raftpool backups");
        }
        Optional<BackupInfo> made = BaseBackups.latest(end).filter(b -> !b.getLabel().equals(last));
        if (made.isEmpty()) {
            String why = end.getEventsList().stream().filter(e -> e.getKind().equals("backup") && e.getNodeId() == node)
                    .reduce((a, b) -> b).map(io.raftpool.proto.Event::getMessage).orElse("see raftpool events");
            return AdminActions.refused(why);
        }
        BackupInfo b = made.get();
        return AdminActions.accepted(BaseBackups.named(b.getType()) + " " + b.getLabel() + " of node " + node + " done in "
                + (b.getFinishedMs() - b.getStartedMs()) + " ms: " + b.getSizeBytes() / (1024 * 1024) + " MB, WAL from "
                + b.getStartLsn() + " on timeline " + b.getTimeline(), end.getPrimary().getEpoch());
    }

    /** Why recovery-node --from-backup cannot run, if it cannot. */
    Optional<String> fromBackupRefusal(ClusterState s) {
        if (!archive.enabled()) {
            return Optional.of(noArchive("recovery-node --from-backup"));
        }
        if (BaseBackups.latest(s).isEmpty()) {
            return Optional.of("no base backup is recorded yet: take one with raftpool backup");
        }
        return Optional.empty();
    }

    private static String noArchive(String what) {
        return what + " needs a WAL archive: backups are kept beside it, and a restore replays its WAL; set"
                + " archive.directory or archive.pgbackrest in the config";
    }
}
