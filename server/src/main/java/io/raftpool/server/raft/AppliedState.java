package io.raftpool.server.raft;

import io.raftpool.proto.ClusterState;

/** The committed state after applying the log entry at {@code index} (of {@code term}). */
public record AppliedState(ClusterState state, long index, long term) {}
