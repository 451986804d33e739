package io.raftpool.config;

import java.time.Duration;
import java.util.Optional;

/**
 * User commands run on events, like pgpool's failover_command: each runs once, on the agent
 * that carries out the action, through {@code /bin/sh -c}, with placeholders such as
 * {new_primary_host} (see docs/config.md), its output going to the agent's log.
 *
 * @param beforePromote runs on the node about to be promoted, before pg_promote
 * @param beforePromoteMustSucceed when true, a failing before_promote hook cancels the promotion
 *                                 (the leader then picks another candidate); off by default:
 *                                 a hook never blocks failover unless told to
 * @param afterFailover runs on the new primary's node once the promotion is committed
 * @param followPrimary runs on each standby's node after it repointed to a new primary
 * @param beforeRecovery runs on the node being rebuilt by recovery-node, before anything is touched
 * @param afterRecovery runs on that node once it is up and streaming again
 */
public record HookSettings(Duration timeout, Optional<String> beforePromote, boolean beforePromoteMustSucceed,
                           Optional<String> afterFailover, Optional<String> followPrimary,
                           Optional<String> beforeRecovery, Optional<String> afterRecovery) {
    /** The placeholders a hook command may use. */
    public static final java.util.Set<String> PLACEHOLDERS = java.util.Set.of("epoch", "old_primary_id", "failed_node_id",
            "failed_host", "failed_port", "failed_data_dir", "new_primary_id", "new_primary_host", "new_primary_port",
            "new_primary_data_dir", "node_id", "node_host", "data_dir");

    public static final HookSettings DEFAULTS =
            new HookSettings(Duration.ofSeconds(30), Optional.empty(), false, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty());
}
