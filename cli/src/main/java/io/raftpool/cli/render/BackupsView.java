package io.raftpool.cli.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftpool.api.view.BackupTypes;
import io.raftpool.api.view.TableData;
import io.raftpool.api.view.TableData.Column;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackupInfo;
import io.raftpool.proto.ClusterState;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** What raftpool backups prints: the base backups recorded in the log, oldest first, and one under way. */
public final class BackupsView {
    private BackupsView() {}

    public static String text(ClusterState s, ZoneId zone) {
        List<List<String>> cells = new ArrayList<>();
        for (BackupInfo b : s.getBackupsList()) {
            cells.add(List.of(b.getLabel(), BackupTypes.of(b.getType()), Backends.label(s, b.getNodeId()), Formats.localTime(b.getFinishedMs(), zone),
                    Formats.duration(b.getFinishedMs() - b.getStartedMs()), b.getSizeBytes() / (1024 * 1024) + " MB",
                    Integer.toString(b.getTimeline()), b.getStartLsn()));
        }
        StringBuilder out = new StringBuilder();
        if (cells.isEmpty()) {
            out.append("no base backup recorded; take one with raftpool backup\n");
        } else {
            out.append(Table.render(new TableData(List.of(Column.text("label"), Column.text("type"), Column.text("node"),
                    Column.text("finished"), Column.text("took"), Column.text("size"), Column.text("timeline"),
                    Column.text("wal_start")), cells)));
        }
        for (Backend b : s.getBackendsList()) {
            if (b.getBackupRequestedMs() > 0) {
                out.append("under way: node ").append(Backends.label(s, b.getNodeId())).append(", ")
                        .append(b.getBackupProgress()).append(", requested at ")
                        .append(Formats.localTime(b.getBackupRequestedMs(), zone)).append('\n');
            }
        }
        return out.toString();
    }

    public static String json(ClusterState s) {
        ObjectNode o = Json.object();
        ArrayNode list = o.putArray("backups");
        for (BackupInfo b : s.getBackupsList()) {
            ObjectNode x = list.addObject();
            x.put("label", b.getLabel());
            x.put("type", BackupTypes.of(b.getType()));
            x.put("node_id", b.getNodeId());
            x.put("started", Formats.isoTime(b.getStartedMs()));
            x.put("finished", Formats.isoTime(b.getFinishedMs()));
            x.put("duration_ms", b.getFinishedMs() - b.getStartedMs());
            x.put("size_bytes", b.getSizeBytes());
            x.put("timeline", b.getTimeline());
            x.put("wal_start", b.getStartLsn());
        }
        ArrayNode running = o.putArray("under_way");
        for (Backend b : s.getBackendsList()) {
            if (b.getBackupRequestedMs() > 0) {
                ObjectNode x = running.addObject();
                x.put("node_id", b.getNodeId());
                x.put("requested", Formats.isoTime(b.getBackupRequestedMs()));
                x.put("type", BackupTypes.of(b.getBackupType()));
                x.put("progress", b.getBackupProgress());
            }
        }
        return Json.write(o);
    }
}
