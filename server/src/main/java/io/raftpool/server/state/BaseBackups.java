package io.raftpool.server.state;

import static io.raftpool.server.state.EventLog.event;
import static io.raftpool.server.state.EventLog.withEvent;

import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.BackupDone;
import io.raftpool.proto.BackupInfo;
import io.raftpool.proto.BackupStep;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.RequestBackup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * raftpool backup: a base backup of one server, committed as a request that its agent carries
 * out beside its other duties and then reports, and the list of backups a recovery can start
 * from. One backup at a time. Pure.
 */
public final class BaseBackups {
    static final int KEPT = 50;
    /** Backup types: full everywhere; incr (since the last backup) and diff (since the last full) with pgBackRest. */
    public static final List<String> TYPES = List.of("full", "incr", "diff");

    private BaseBackups() {}

    /** Why node {@code id}'s server may not be backed up now, if it may not. */
    public static Optional<String> refusal(ClusterState s, int id) {
        Optional<String> node = NodeRefusals.requireBackend(s, id);
        if (node.isPresent()) {
            return node;
        }
        Backend b = ClusterStates.backend(s, id).orElseThrow();
        if (b.getStatus() != BackendStatus.UP || b.getNeedsRecovery()) {
            return Optional.of("node " + id + " is " + ClusterStates.statusName(b.getStatus())
                    + (b.getNeedsRecovery() ? " (needs recovery)" : "") + ": back up a server that is up");
        }
        for (Backend other : s.getBackendsList()) {
            if (other.getBackupRequestedMs() > 0) {
                return Optional.of("a backup of node " + other.getNodeId() + " is under way (" + other.getBackupProgress()
                        + "): one backup at a time");
            }
        }
        return Optional.empty();
    }

    /** The newest backup, the one recovery-node --from-backup restores. */
    public static Optional<BackupInfo> latest(ClusterState s) {
        return s.getBackupsCount() == 0 ? Optional.empty() : Optional.of(s.getBackups(s.getBackupsCount() - 1));
    }

    static Optional<String> validateRequest(ClusterState s, RequestBackup r) {
        if (!r.getType().isEmpty() && !TYPES.contains(r.getType())) {
            return Optional.of("backup type '" + r.getType() + "' is not known; allowed: " + String.join(", ", TYPES));
        }
        return refusal(s, r.getNodeId());
    }

    /** What a backup request's type means: "" is full. */
    public static String typeOf(String requested) {
        return io.raftpool.api.view.BackupTypes.of(requested);
    }

    /** "base backup", "incremental backup", "differential backup", as messages say it. */
    public static String named(String type) {
        return switch (typeOf(type)) {
            case "incr" -> "incremental backup";
            case "diff" -> "differential backup";
            default -> "base backup";
        };
    }

    static ClusterState request(ClusterState s, RequestBackup r, long now) {
        int i = ClusterStates.indexOfBackend(s, r.getNodeId());
        ClusterState.Builder b = s.toBuilder();
        b.setBackends(i, b.getBackends(i).toBuilder().setBackupRequestedMs(now).setBackupRequestedBy(r.getBy())
                .setBackupProgress("requested").setBackupType(typeOf(r.getType())));
        return withEvent(b, event(now, "backup", r.getNodeId(), s.getPrimary().getEpoch(), named(r.getType())
                + " of node " + r.getNodeId() + " requested" + (r.getBy().isBlank() ? "" : " by " + r.getBy()))).build();
    }

    static Optional<String> validateStep(ClusterState s, BackupStep step) {
        return requested(s, step.getNodeId(), step.getRequestedMs());
    }

    static ClusterState step(ClusterState s, BackupStep step) {
        int i = ClusterStates.indexOfBackend(s, step.getNodeId());
        return s.toBuilder().setBackends(i, s.getBackends(i).toBuilder().setBackupProgress(step.getProgress())).build();
    }

    static Optional<String> validateDone(ClusterState s, BackupDone d) {
        return requested(s, d.getNodeId(), d.getRequestedMs());
    }

    static ClusterState done(ClusterState s, BackupDone d, long now) {
        int i = ClusterStates.indexOfBackend(s, d.getNodeId());
        ClusterState.Builder b = s.toBuilder();
        b.setBackends(i, b.getBackends(i).toBuilder().setBackupRequestedMs(0).clearBackupRequestedBy()
                .clearBackupProgress().clearBackupType());
        if (!d.getOk()) {
            return withEvent(b, event(now, "backup", d.getNodeId(), s.getPrimary().getEpoch(), named(ClusterStates.backend(s, d.getNodeId())
                    .map(Backend::getBackupType).orElse("")) + " of node " + d.getNodeId() + " failed: " + d.getReason())).build();
        }
        List<BackupInfo> kept = new ArrayList<>(s.getBackupsList());
        kept.add(d.getInfo());
        b.clearBackups().addAllBackups(kept.subList(Math.max(0, kept.size() - KEPT), kept.size()));
        BackupInfo info = d.getInfo();
        return withEvent(b, event(now, "backup", d.getNodeId(), s.getPrimary().getEpoch(), named(info.getType()) + " " + info.getLabel()
                + " of node " + d.getNodeId() + " done: " + info.getSizeBytes() / (1024 * 1024) + " MB, timeline "
                + info.getTimeline() + ", WAL from " + info.getStartLsn())
                .setDurationMs(info.getFinishedMs() - info.getStartedMs())).build();
    }

    private static Optional<String> requested(ClusterState s, int node, long requestedMs) {
        Optional<String> refusal = NodeRefusals.requireBackend(s, node);
        if (refusal.isPresent()) {
            return refusal;
        }
        long requested = ClusterStates.backend(s, node).orElseThrow().getBackupRequestedMs();
        return requested != 0 && requested == requestedMs ? Optional.empty()
                : Optional.of("node " + node + " has no backup request of " + requestedMs);
    }
}
