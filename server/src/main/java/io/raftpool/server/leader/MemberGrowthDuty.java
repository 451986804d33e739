package io.raftpool.server.leader;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.RaftInfo;
import io.raftpool.server.raft.FollowLag;
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
    private static final long WAIT_REPORT_MS = 15_000;
    private long waitingSinceMs = -1;
    private long waitReportedMs;
    /** A listener taken out to restart its replication gets this long to resume before it is judged again. */
    private static final long SPARE_AFTER_UNSTICK_MS = 30_000;
    private final Map<Integer, Long> unstuckAtMs = new java.util.HashMap<>();
    private final Map<Integer, FollowLag> listenerLags = new java.util.HashMap<>();
    /** Listeners this leader took out to add back as voters (MemberGrowth's two-step promotion). */
    private List<Integer> promoting = List.of();

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
                promoting = List.of();
                waitingSinceMs = -1;
                return;
            }
            long leaderApplied = raft.info().getLastAppliedIndex();
            Map<Integer, RaftInfo> answers = askAgents.apply(toAsk);
            long nowMs = System.nanoTime() / 1_000_000;
            unstuckAtMs.values().removeIf(at -> nowMs - at > SPARE_AFTER_UNSTICK_MS);
            observeListeners(listeners, answers, leaderApplied, nowMs);
            Optional<MemberGrowth.Change> unstick = MemberGrowth.unstick(voters, listeners, listenerLags,
                    unstuckAtMs.keySet(), nowMs);
            if (unstick.isPresent()) {
                MemberGrowth.Change c = unstick.get();
                LOG.warn("raft configuration change: {}", c.reason());
                listeners.stream().filter(id -> !c.listeners().contains(id)).forEach(id -> unstuckAtMs.put(id, nowMs));
                raft.setConfiguration(infos(nodes, c.voters()), infos(nodes, c.listeners()));
                return;
            }
            Optional<MemberGrowth.Change> change = MemberGrowth.next(wanted, voters, listeners, answers, leaderApplied,
                    promoting);
            if (change.isEmpty()) {
                long now = System.nanoTime() / 1_000_000;
                if (waitingSinceMs < 0) {
                    waitingSinceMs = now;
                } else if (now - waitingSinceMs >= WAIT_REPORT_MS && now - waitReportedMs >= WAIT_REPORT_MS) {
                    waitReportedMs = now;
                    LOG.info("raft configuration: voters {}, listeners {}; waiting for {} (the leader's applied index {}): {}",
                            voters, listeners, toAsk.stream().map(NodeInfo::getId).toList(), leaderApplied,
                            toAsk.stream().map(n -> describe(n.getId(), answers.get(n.getId()))).toList());
                }
                return;
            }
            waitingSinceMs = -1;
            MemberGrowth.Change c = change.get();
            LOG.info("raft configuration change: {}", c.reason());
            raft.setConfiguration(infos(nodes, c.voters()), infos(nodes, c.listeners()));
            promoting = c.promoting();
            lastFailure = "";
        } catch (Exception | Error e) {
            // an Error too: one escaping would end this scheduled loop for good, silently
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (!why.equals(lastFailure)) {
                LOG.warn("raft configuration change failed, retrying: {}", why);
                lastFailure = why;
            }
        }
    }

    /** The leader's view of whether each listener applies what it sends (the listener itself cannot tell). */
    private void observeListeners(List<Integer> listeners, Map<Integer, RaftInfo> answers, long leaderApplied, long nowMs) {
        listenerLags.keySet().retainAll(listeners);
        for (int id : listeners) {
            RaftInfo a = answers.get(id);
            if (a == null) {
                listenerLags.remove(id); // no answer is no evidence: start over when it answers
                continue;
            }
            FollowLag lag = listenerLags.get(id);
            listenerLags.put(id, lag == null ? FollowLag.start(nowMs, a.getAppliedIndex())
                    : lag.observe(nowMs, a.getAppliedIndex(), leaderApplied));
        }
    }

    private static String describe(int id, RaftInfo a) {
        return a == null ? "node " + id + " does not answer"
                : "node " + id + " " + a.getRole().toLowerCase(java.util.Locale.ROOT) + (a.getJoining() ? " joining" : "")
                        + " at applied index " + a.getAppliedIndex();
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
