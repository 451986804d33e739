package io.raftpool.server.raft;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.server.UnsafeSwitches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's Raft storage, {@code agent_dir/raft}: whether there is one (a restart), setting it
 * aside for rebuild-member, the unsafe wipe, and the marker of a member that started empty to
 * join and is no voter yet (it survives a restart).
 */
public final class MemberStorage {
    private static final Logger LOG = LoggerFactory.getLogger(MemberStorage.class);
    private static final String JOINING_MARKER = "joining";
    private static final DateTimeFormatter ASIDE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private MemberStorage() {}

    /** Whether this node has Raft storage already (a restart), as opposed to a first start. */
    public static boolean exists(ClusterConfig config, int nodeId) {
        return Files.isDirectory(dir(config, nodeId).resolve(RaftIds.groupId(config.name()).getUuid().toString()));
    }

    /**
     * Moves this node's Raft storage (the node must be stopped) to {@code raft-rebuilt-<time>}
     * beside it and returns that directory. Only rebuild-member calls it, once the Raft leader
     * no longer counts this node a voter; what was set aside is kept for the operator.
     */
    public static Path setAside(ClusterConfig config, int nodeId) throws IOException {
        Path from = dir(config, nodeId);
        Path aside = from.resolveSibling("raft-rebuilt-" + LocalDateTime.now().format(ASIDE_TIME));
        Files.move(from, aside);
        return aside;
    }

    /**
     * {@link UnsafeSwitches#WIPE_RAFT_ON_RESTART} only: deletes this node's Raft storage and
     * returns a start as an empty voter of every configured node. Unsafe.
     */
    public static MemberStart wipeAsBrokenOnPurpose(ClusterConfig config, int nodeId) throws IOException {
        LOG.error("UNSAFE: {} is set: deleting this member's raft storage and starting it as an empty voter",
                UnsafeSwitches.WIPE_RAFT_ON_RESTART);
        try (var files = Files.walk(dir(config, nodeId))) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return new MemberStart.Join(config.nodes().stream().map(NodeConfig::id).toList(), List.of(), true);
    }

    static Path dir(ClusterConfig config, int nodeId) {
        return config.requireNode(nodeId).agentDir().resolve("raft");
    }

    /** Beside the Ratis storage in {@code dir}: this member joined empty and is no voter yet. */
    static Path joiningMarker(Path dir) {
        return dir.resolve(JOINING_MARKER);
    }
}
