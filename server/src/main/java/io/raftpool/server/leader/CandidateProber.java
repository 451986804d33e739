package io.raftpool.server.leader;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Asks a candidate's PostgreSQL for its WAL position at decision time. */
public interface CandidateProber {
    FailoverPolicy.CandidateProbe probe(NodeInfo node, Duration timeout);

    /**
     * The standbys streaming from the primary now (pg_stat_replication), with its position and
     * synchronous_standby_names; empty when the primary does not answer as a primary.
     */
    Optional<ReplicationView> replication(ClusterState state, NodeInfo primary, Duration timeout);

    /** What a server that may already run says about itself, before raftpool takes it over. */
    default io.raftpool.server.postgres.AdoptionCheck.Answer facts(NodeInfo node, String replicationUser,
                                                                    Duration timeout) {
        return io.raftpool.server.postgres.AdoptionCheck.Answer.unreachable("not asked");
    }

    /** Every candidate of {@code ids} asked at once; one that does not answer in time is unreachable. */
    default Map<Integer, FailoverPolicy.CandidateProbe> probeAll(ClusterState s, List<Integer> ids, Duration timeout) {
        Map<Integer, CompletableFuture<FailoverPolicy.CandidateProbe>> pending = new HashMap<>();
        for (int id : ids) {
            NodeInfo node = ClusterStates.node(s, id).orElseThrow();
            pending.put(id, CompletableFuture.supplyAsync(() -> probe(node, timeout)));
        }
        Map<Integer, FailoverPolicy.CandidateProbe> result = new HashMap<>();
        pending.forEach((id, f) -> {
            try {
                result.put(id, f.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                result.put(id, new FailoverPolicy.CandidateProbe(false, false, 0, "no answer: " + e));
            }
        });
        return result;
    }
}
