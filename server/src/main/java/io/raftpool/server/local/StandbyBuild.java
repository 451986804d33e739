package io.raftpool.server.local;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.server.postgres.CopyProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds this server as a new standby: pg_basebackup from the primary, then start. A marker
 * beside the data directory while it is copied: a directory found with it after a crash is
 * half-built, so it counts as not initialized and is rebuilt.
 */
record StandbyBuild(OwnServer own, LocalMemory memory) {
    private static final Logger LOG = LoggerFactory.getLogger(StandbyBuild.class);

    /** Whether a build was interrupted (the marker is still there). */
    boolean unfinished() {
        return Files.exists(marker());
    }

    void build(ClusterState s, int primaryId) {
        NodeInfo primary = OwnServer.node(s, primaryId);
        LOG.info("building this standby from node {} ({}:{}) with pg_basebackup", primaryId, primary.getHost(),
                primary.getPgPort());
        mark(true);
        // what an interrupted build left behind is moved aside, never started
        own.pg().moveDataDirAside().ifPresent(aside -> LOG.info("moved an unfinished data directory aside to {}", aside));
        int[] lastDecile = {-1};
        own.pg().baseBackupFrom(primary.getHost(), primary.getPgPort(), own.slot(), (CopyProgress p) -> {
            if (p.percent() / 10 != lastDecile[0]) {
                lastDecile[0] = p.percent() / 10;
                LOG.info("basebackup from node {}: {}% ({} of {} kB)", primaryId, p.percent(), p.doneKb(), p.totalKb());
            }
        });
        mark(false);
        memory.startupReconciled = true;
        own.pg().start(OwnServer.START_TIMEOUT);
        LOG.info("standby built and started, following node {}", primaryId);
    }

    private void mark(boolean building) {
        Path marker = marker();
        try {
            if (building) {
                Files.createDirectories(marker.getParent());
                Files.writeString(marker, "pg_basebackup in progress\n");
            } else {
                Files.deleteIfExists(marker);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot " + (building ? "write " : "remove ") + marker + ": " + e.getMessage(), e);
        }
    }

    private Path marker() {
        return own.self().agentDir().resolve("standby-build-in-progress");
    }
}
