package io.raftpool.chaos.nemesis;

import io.raftpool.chaos.Progress;
import io.raftpool.config.NodeConfig;
import io.raftpool.harness.ClusterHealth;
import io.raftpool.harness.LocalCluster;
import io.raftpool.harness.ManagedProcess;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.ClusterStates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Brings the cluster back to health as an operator would, round after round: each round asks
 * {@link HealPlan} what every node needs, carries it out, and waits for the committed state to
 * move.
 */
final class Healer {
    private static final Duration RECOVER_TIMEOUT = Duration.ofSeconds(120);
    /** An action on a node is not repeated within this time while healing. */
    private static final Duration REPEAT_AFTER = Duration.ofSeconds(30);

    private final LocalCluster cluster;
    private final ClusterView view;
    private final OperatorHands hands;
    private final ClusterOps ops;
    private final Progress progress;
    private final Map<String, Long> lastAction = new HashMap<>();

    Healer(LocalCluster cluster, ClusterView view, OperatorHands hands, ClusterOps ops, Progress progress) {
        this.cluster = cluster;
        this.view = view;
        this.hands = hands;
        this.ops = ops;
        this.progress = progress;
    }

    /** What a healing loop did, and whether it reached its goal. */
    record Rounds(boolean done, List<String> actions, List<String> blockers, Optional<ClusterState> last) {}

    Rounds heal(List<Integer> nodes, Duration timeout, Predicate<ClusterState> goal) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lastAction.clear(); // the guard against repeating an action holds within one heal, not across faults
        List<String> actions = new ArrayList<>();
        Map<Integer, String> blockers = new TreeMap<>();
        Optional<ClusterState> s;
        while (true) {
            int leader = view.leader();
            s = view.freshState(leader);
            if (s.isPresent() && goal.test(s.get())) {
                return new Rounds(true, actions, List.of(), s);
            }
            if (System.nanoTime() > deadline) {
                return new Rounds(false, actions, List.copyOf(blockers.values()), s);
            }
            for (int n : nodes) {
                for (HealPlan.Step step : HealPlan.plan(nodeFacts(n, s))) {
                    Long last = lastAction.get(n + "/" + step);
                    if (last == null || System.nanoTime() - last > REPEAT_AFTER.toNanos()) {
                        String result = apply(n, step);
                        actions.add(result);
                        if (result.contains("not available") || result.contains("refused") || result.contains("failed")) {
                            blockers.put(n, result);
                        } else {
                            blockers.remove(n);
                        }
                    }
                }
            }
            Optional<ClusterState> before = s;
            Poll.until(Duration.ofSeconds(3), () -> view.freshState(leader).map(now -> goal.test(now)
                    || !now.equals(before.orElse(null))).orElse(false));
        }
    }

    /**
     * Healthy as committed (one active primary, every server up, every standby streaming) and as
     * seen here: every agent, proxy and postmaster runs. (Right after a kill the committed state
     * still says up.)
     */
    boolean healthyNow(ClusterState s) {
        return ClusterHealth.healthy(s) && allProcessesAlive() && cluster.config().postgresNodes().stream()
                .allMatch(n -> cluster.postgres(n.id()).isRunning());
    }

    private boolean allProcessesAlive() {
        return cluster.agents().values().stream().allMatch(ManagedProcess::isAlive)
                && cluster.proxies().values().stream().allMatch(ManagedProcess::isAlive);
    }

    private String apply(int n, HealPlan.Step step) {
        lastAction.put(n + "/" + step, System.nanoTime());
        progress.line("nemesis: heal node " + n + ": " + step.text());
        try {
            switch (step) {
                case START_AGENT -> {
                    cluster.agent(n).start();
                    hands.awaitAgent(n);
                }
                case START_PROXY -> cluster.proxy(n).start();
                case RESTART_AGENT_FOR_PRIMARY -> {
                    cluster.agent(n).stop(Duration.ofSeconds(10));
                    cluster.agent(n).start();
                    hands.awaitAgent(n);
                    // it starts its primary once it is in contact with the majority again, unless a
                    // failover replaced it meanwhile
                    Poll.until(OperatorHands.AGENT_UP, Duration.ofSeconds(1), () -> cluster.postgres(n).isRunning()
                            || view.freshState().map(st -> st.getPrimary().getNodeId() != n
                                    || st.getPrimary().getPhase() != PrimaryPhase.ACTIVE).orElse(false));
                }
                case START_STANDBY_BY_HAND -> hands.startPostgres(n);
                case RECOVER -> {
                    ClusterOps.Outcome o = ops.recoverNode(n, RECOVER_TIMEOUT);
                    progress.line("nemesis: recovery-node " + n + ": " + o);
                    return "node " + n + ": recovery-node " + o;
                }
            }
            return "node " + n + ": " + step.text();
        } catch (RuntimeException ex) {
            progress.line("nemesis: heal node " + n + ": " + step.text() + " failed: " + ex.getMessage());
            return "node " + n + ": " + step.text() + " failed: " + firstLine(ex.getMessage());
        }
    }

    private HealPlan.NodeFacts nodeFacts(int n, Optional<ClusterState> s) {
        boolean hasPg = cluster.config().requireNode(n).postgres().isPresent();
        ManagedProcess proxy = cluster.proxies().get(n);
        int primary = s.map(st -> st.getPrimary().getNodeId()).orElse(-1);
        boolean primaryRunning = primary >= 0 && cluster.config().node(primary).flatMap(NodeConfig::postgres).isPresent()
                && cluster.postgres(primary).isRunning();
        return new HealPlan.NodeFacts(n, hasPg, cluster.agent(n).isAlive(), proxy == null || proxy.isAlive(),
                hasPg && cluster.postgres(n).isRunning(), s.flatMap(st -> ClusterStates.backend(st, n)), primary,
                s.map(st -> st.getPrimary().getPhase()).orElse(PrimaryPhase.PHASE_NONE), primaryRunning);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
