package io.raftpool.chaos.nemesis;

import io.raftpool.chaos.workload.Clients;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What a started fault did, and what its heal has to undo. */
public final class Effect {
    private final Fault fault;
    private final Set<Integer> nodes;
    private final boolean applied;
    private final String what;
    /** The PostgreSQL processes a pause stopped (SIGCONT on heal). */
    final List<ProcessHandle> paused = new ArrayList<>();
    /** The agent a pause stopped, -1 for none. */
    int pausedAgent = -1;
    /** The clients writing to a rogue primary, stopped on heal. */
    Clients rogueClients;

    Effect(Fault fault, Set<Integer> nodes, boolean applied, String what) {
        this.fault = fault;
        this.nodes = Set.copyOf(nodes);
        this.applied = applied;
        this.what = what;
    }

    public Fault fault() {
        return fault;
    }

    public Set<Integer> nodes() {
        return nodes;
    }

    public boolean applied() {
        return applied;
    }

    public String what() {
        return what;
    }
}
