package io.raftpool.server.leader;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.RaftInfo;
import io.raftpool.server.raft.MemberGrowth;
import io.raftpool.server.raft.RaftNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * As Raft leader: grows the Raft configuration towards the committed state's nodes, one
 * {@link MemberGrowth} step at a time (a new group's other members, a node added with add-node,
 * a member rebuilt with rebuild-member). On its own thread: a configuration change blocks until
 * it is committed, and must not hold up failover decisions.
 */
public final class MemberGrowthDuty implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberGrowthDuty.class);
    private static final long EVERY_MS = 300;

    private final RaftNode raft;
    private final Supplier<ClusterState> state;
    private final Function<List<NodeInfo>, Map<Integer, RaftInfo>> askAgents;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "member-growth");
        t.setDaemon(true);
        return t;
    });
    private String lastFailure = "";

    public MemberGrowthDuty(RaftNode raft, Supplier<ClusterState> state, Function<List<NodeInfo>, Map<Integer, RaftInfo>> askAgents) {
        this.raft = raft;
        this.state = state;
        this.askAgents = askAgents;
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::round, EVERY_MS, EVERY_MS, TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            if (!raft.isLeaderReady() || raft.configurationChanging()) {
                return;
            }
            List<NodeInfo> nodes = state.get().getNodesList();
            List<Integer> wanted = nodes.stream().map(NodeInfo::getId).toList();
            List<Integer> voters = raft.members();
            List<Integer> listeners = raft.listeners();
            List<NodeInfo> toAsk = nodes.stream().filter(n -> n.getId() != raft.nodeId() && !voters.contains(n.getId())).toList();
            if (toAsk.isEmpty()) {
                return;
            }
            long leaderApplied = raft.info().getLastAppliedIndex();
            Optional<MemberGrowth.Change> change = MemberGrowth.next(wanted, voters, listeners, askAgents.apply(toAsk),
                    leaderApplied);
            if (change.isEmpty()) {
                return;
            }
            MemberGrowth.Change c = change.get();
            LOG.info("raft configuration change: {}", c.reason());
            raft.setConfiguration(infos(nodes, c.voters()), infos(nodes, c.listeners()));
            lastFailure = "";
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (!why.equals(lastFailure)) {
                LOG.warn("raft configuration change failed, retrying: {}", why);
                lastFailure = why;
            }
        }
    }

    private static List<NodeInfo> infos(List<NodeInfo> nodes, List<Integer> ids) {
        return ids.stream().map(id -> nodes.stream().filter(n -> n.getId() == id).findFirst()
                .orElseThrow(() -> new IllegalStateException("node " + id + " is not in the committed state"))).toList();
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
