package io.raftpool.chaos.nemesis;

import java.time.Duration;

/** The "faults" an operator causes through the admin API (a switchover in the middle of the load); nothing to undo. */
final class AdminFaults {
    private final ClusterOps ops;

    AdminFaults(ClusterOps ops) {
        this.ops = ops;
    }

    Effect start(Fault f, Targets.Choice choice) {
        return switch (f.kind()) {
            case SWITCHOVER -> {
                ClusterOps.Outcome o = ops.switchover(Duration.ofSeconds(60));
                yield new Effect(f, choice.nodes(), o.available() && o.accepted(), "switchover " + o);
            }
            default -> throw new IllegalArgumentException(f.kind() + " is no admin fault");
        };
    }
}
