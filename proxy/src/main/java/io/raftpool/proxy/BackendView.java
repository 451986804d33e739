package io.raftpool.proxy;

import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;

/** One PostgreSQL server as the committed state describes it, with its address. */
public record BackendView(
        int nodeId,
        String name,
        String host,
        int pgPort,
        BackendStatus status,
        BackendRole role,
        boolean detached,
        boolean needsRecovery) {

    public String describe() {
        return "node " + nodeId + " (" + name + " at " + host + ":" + pgPort + ")";
    }
}
