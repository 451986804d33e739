package io.raftpool.server.api;

import io.raftpool.proto.ClusterState;
import io.raftpool.server.postgres.SettingSpec;
import java.util.Collection;
import java.util.Map;

/** Where set-parameter learns what PostgreSQL accepts: pg_settings of a running server of the cluster. */
@FunctionalInterface
public interface SettingLookup {
    /**
     * The specs of those of {@code names} the server knows, asked of the primary first, then of
     * the other servers that are up.
     *
     * @throws IllegalStateException naming every server tried, when none answered
     */
    Answer specs(ClusterState state, Collection<String> names);

    /** The specs, and which node's server gave them. */
    record Answer(int nodeId, Map<String, SettingSpec> specs) {}
}
