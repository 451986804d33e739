package io.raftpool.chaos.nemesis;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every fault a nemesis can inject, with the name used on the command line. The target is a
 * role (the primary, a standby, the Raft leader...), resolved when the fault starts.
 */
public enum FaultKind {
    KILL_PRIMARY("kill-primary", Target.PRIMARY, "kill -9 the primary's postmaster; heal: rebuild or restart it"),
    STOP_PRIMARY("stop-primary", Target.PRIMARY, "pg_ctl stop -m immediate on the primary; heal: rebuild or restart it"),
    KILL_STANDBY("kill-standby", Target.STANDBY, "kill -9 a standby's postmaster; heal: start it by hand (pg_ctl start)"),
    STOP_STANDBY("stop-standby", Target.STANDBY, "pg_ctl stop -m immediate on a standby; heal: start it by hand"),
    KILL_LEADER("kill-leader", Target.LEADER, "kill -9 the Raft leader's agent; heal: start the agent again"),
    KILL_NODE("kill-node", Target.PRIMARY, "kill -9 the primary's whole node: agent, proxy, PostgreSQL; heal: start"
            + " agent and proxy, rebuild the server if it was failed over"),
    PAUSE_PRIMARY("pause-primary", Target.PRIMARY, "SIGSTOP the primary's postmaster and every PostgreSQL process under it;"
            + " heal: SIGCONT"),
    PAUSE_LEADER("pause-leader", Target.LEADER, "SIGSTOP the Raft leader's agent; heal: SIGCONT"),
    /**
     * The grey failure of a hung postmaster: it takes no new connection, but the backends of the
     * sessions already open go on committing (issue #19).
     */
    HANG_POSTMASTER("hang-postmaster", Target.PRIMARY, "SIGSTOP the primary's postmaster only, not its children:"
            + " open sessions keep working, new connections hang; heal: SIGCONT (and a rebuild if it was failed over)"),
    /** A hung agent (a long GC pause, a deadlock) on the primary's node, leader or not: it fences nothing while stopped. */
    PAUSE_PRIMARY_AGENT("pause-primary-agent", Target.PRIMARY, "SIGSTOP the agent of the node whose PostgreSQL is"
            + " primary, Raft leader or not; heal: SIGCONT (and a rebuild if it was failed over)"),
    PAUSE_PRIMARY_AGENT_PARTITIONED("pause-primary-agent-partitioned", Target.PRIMARY, "SIGSTOP the primary's agent and"
            + " cut its node off from every other node (iptables); heal: SIGCONT, then remove the rules"),
    PARTITION_PRIMARY("partition-primary", Target.PRIMARY, "cut the primary's node off from every other node (iptables);"
            + " heal: remove the rules"),
    PARTITION_LEADER("partition-leader", Target.LEADER, "cut the Raft leader's node off from every other node"),
    PARTITION_HALVES("partition-halves", Target.RANDOM_SPLIT, "split the nodes into a random minority and majority"),
    PARTITION_ONE_WAY("partition-one-way", Target.PRIMARY, "drop every packet the primary's node sends to the others;"
            + " what they send to it still arrives"),
    SWITCHOVER("switchover", Target.NONE, "a planned switchover to the best standby (admin API), in the middle of the load"),
    /**
     * Not a fault of the system under test but a deliberate violation of S2, to prove the
     * checkers can fail: after a failover, the old primary's agent is killed, standby.signal
     * removed, the server started by hand as a primary, and a client writes to it directly.
     */
    UNSAFE_ROGUE_PRIMARY("unsafe-rogue-primary", Target.PRIMARY, "checker self-test, never a real fault: kill the primary,"
            + " wait for the failover, then start the old primary by hand as a primary and write to it directly;"
            + " the run must be judged invalid");

    /** Whom a fault hits, resolved from the committed state when it starts. */
    public enum Target { PRIMARY, STANDBY, LEADER, RANDOM_SPLIT, NONE }

    private final String cliName;
    private final Target target;
    private final String description;

    FaultKind(String cliName, Target target, String description) {
        this.cliName = cliName;
        this.target = target;
        this.description = description;
    }

    public String cliName() {
        return cliName;
    }

    public Target target() {
        return target;
    }

    public String description() {
        return description;
    }

    /** Whether the fault cuts links between nodes (alone or with something else): the run needs its network set up. */
    public boolean isPartition() {
        return this == PARTITION_PRIMARY || this == PARTITION_LEADER || this == PARTITION_HALVES
                || this == PARTITION_ONE_WAY || this == PAUSE_PRIMARY_AGENT_PARTITIONED;
    }

    /** Faults that make sense in a random mix (everything real, nothing self-testing). */
    public static List<FaultKind> mixable() {
        return Arrays.stream(values()).filter(k -> k != UNSAFE_ROGUE_PRIMARY).toList();
    }

    public static String mixableNames() {
        return String.join(", ", mixable().stream().map(FaultKind::cliName).toList());
    }

    public static Optional<FaultKind> byName(String name) {
        return Arrays.stream(values()).filter(k -> k.cliName.equals(name)).findFirst();
    }
}
