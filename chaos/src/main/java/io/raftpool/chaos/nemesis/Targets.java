package io.raftpool.chaos.nemesis;

import io.raftpool.chaos.net.Partitions;
import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whom a fault hits, from what is known when it starts: a pure function, so the same facts
 * and the fault's seed give the same choice.
 */
public final class Targets {
    private Targets() {}

    /**
     * What is known when a fault starts.
     *
     * @param state     the committed state (null when no agent answered)
     * @param leader    the Raft leader, -1 when none is known
     * @param pgRunning the nodes whose PostgreSQL runs
     * @param nodes     every node
     */
    public record Facts(ClusterState state, int leader, Set<Integer> pgRunning, List<Integer> nodes) {}

    /** The chosen nodes, or why there is none (then the fault is skipped). */
    public record Choice(Set<Integer> nodes, String whyNone) {
        public static Choice of(Integer... nodes) {
            return new Choice(new TreeSet<>(List.of(nodes)), "");
        }

        public static Choice none(String why) {
            return new Choice(Set.of(), why);
        }

        public boolean found() {
            return whyNone.isEmpty();
        }

        public int single() {
            return nodes.iterator().next();
        }
    }

    public static Choice choose(FaultKind.Target target, Facts f, Random rnd) {
        return switch (target) {
            case PRIMARY -> primary(f);
            case STANDBY -> standby(f, rnd);
            case LEADER -> f.leader() >= 0 ? Choice.of(f.leader()) : Choice.none("no Raft leader is known");
            case RANDOM_SPLIT -> new Choice(Partitions.randomMinority(f.nodes(), rnd), "");
            case NONE -> new Choice(Set.of(), "");
        };
    }

    static Choice primary(Facts f) {
        if (f.state() == null) {
            return Choice.none("no agent answered: the primary is not known");
        }
        if (f.state().getPrimary().getPhase() != PrimaryPhase.ACTIVE || f.state().getPrimary().getNodeId() < 0) {
            return Choice.none("no active primary (phase " + f.state().getPrimary().getPhase() + ")");
        }
        return Choice.of(f.state().getPrimary().getNodeId());
    }

    /** A running standby that does not need recovery, picked at random among them in node order. */
    static Choice standby(Facts f, Random rnd) {
        if (f.state() == null) {
            return Choice.none("no agent answered: the standbys are not known");
        }
        List<Integer> candidates = new ArrayList<>();
        for (Backend b : f.state().getBackendsList()) {
            if (b.getNodeId() != f.state().getPrimary().getNodeId() && !b.getNeedsRecovery()
                    && f.pgRunning().contains(b.getNodeId())) {
                candidates.add(b.getNodeId());
            }
        }
        candidates.sort(null);
        if (candidates.isEmpty()) {
            return Choice.none("no running standby");
        }
        return Choice.of(candidates.get(rnd.nextInt(candidates.size())));
    }
}
