package io.raftpool.server.leader;

import io.raftpool.config.FailoverSettings;
import io.raftpool.proto.Backend;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Health;
import io.raftpool.proto.Observation;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.state.CommandArbitraries;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random situations for the leader's policies: a committed state (node 0 the primary, in a
 * random phase; standbys up or not; what each agent last committed it saw of the primary; the
 * sync set in sync mode) and what the leader knows of the agents' liveness at {@link #NOW}.
 */
public final class LeaderArbitraries {
    public static final long NOW = 1_000_000;
    public static final long AGENT_TIMEOUT_MS = 750;

    private LeaderArbitraries() {}

    /**
     * {@code seenBy.get(i)}: what agent i last committed about the primary (empty: nothing);
     * {@code silentForMs.get(i)}: how long ago the leader last heard from agent i (empty: never).
     */
    public record Situation(int postgres, PrimaryPhase phase, List<Optional<Health>> seenBy,
                            List<Optional<Long>> silentForMs, List<BackendStatus> standbyStatus, boolean syncMode,
                            List<Integer> syncStandbys, long fenceTimeoutMs, long fenceGraceMs) {

        public ClusterState state() {
            ClusterState.Builder b = ClusterState.newBuilder().setClusterName("props").setSyncMode(syncMode)
                    .addAllSyncStandbys(syncMode ? syncStandbys : List.of())
                    .setPrimary(Primary.newBuilder().setNodeId(0).setEpoch(3).setPhase(phase));
            for (int i = 0; i <= postgres; i++) {
                b.addNodes(CommandArbitraries.node(i, i == postgres));
            }
            for (int i = 0; i < postgres; i++) {
                b.addBackends(Backend.newBuilder().setNodeId(i)
                        .setStatus(i == 0 ? BackendStatus.UP : standbyStatus.get(i - 1))
                        .setRole(i == 0 ? BackendRole.PRIMARY : BackendRole.STANDBY));
            }
            for (int observer = 0; observer < seenBy.size(); observer++) {
                int o = observer;
                seenBy.get(observer).ifPresent(h -> b.addObservations(Observation.newBuilder().setObserver(o).setSubject(0)
                        .setHealth(h).setRole(h == Health.HEALTHY ? BackendRole.PRIMARY : BackendRole.ROLE_UNKNOWN)
                        .setDetail("props").setAtMs(CommandArbitraries.T0 + o)));
            }
            return b.build();
        }

        public Liveness liveness() {
            Map<Integer, Long> heard = new HashMap<>();
            for (int i = 0; i < silentForMs.size(); i++) {
                int node = i;
                silentForMs.get(i).ifPresent(ago -> heard.put(node, NOW - ago));
            }
            return new Liveness(heard, NOW, AGENT_TIMEOUT_MS);
        }

        public FailoverSettings settings() {
            return new FailoverSettings(true, Duration.ofMillis(fenceTimeoutMs), Duration.ofMillis(fenceGraceMs),
                    Duration.ofSeconds(10), Duration.ofMillis(AGENT_TIMEOUT_MS), false);
        }
    }

    static Arbitrary<Optional<Health>> seen() {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Optional.<Health>empty())),
                Tuple.of(2, CommandArbitraries.known(Health.class).map(Optional::of)),
                Tuple.of(2, Arbitraries.just(Optional.of(Health.UNREACHABLE))));
    }

    /** Mostly recent (alive), often beyond the agent timeout, around the fencing windows (1250..2000 ms), or never heard. */
    static Arbitrary<Optional<Long>> silentFor() {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Optional.<Long>empty())),
                Tuple.of(3, Arbitraries.longs().between(0, AGENT_TIMEOUT_MS).map(Optional::of)),
                Tuple.of(2, Arbitraries.longs().between(0, 4000).map(Optional::of)),
                Tuple.of(2, Arbitraries.longs().between(900, 2100).map(Optional::of)));
    }

    public static Arbitrary<Situation> situations() {
        Arbitrary<Integer> postgres = Arbitraries.integers().between(2, 3);
        return postgres.flatMap(p -> Combinators.combine(
                Arbitraries.just(p),
                Arbitraries.frequency(Tuple.of(6, PrimaryPhase.ACTIVE), Tuple.of(1, PrimaryPhase.PROMOTING),
                        Tuple.of(1, PrimaryPhase.PHASE_NONE)),
                seen().list().ofSize(p + 1),
                silentFor().list().ofSize(p + 1),
                Arbitraries.frequency(Tuple.of(4, BackendStatus.UP), Tuple.of(1, BackendStatus.DOWN),
                        Tuple.of(1, BackendStatus.RECOVERING)).list().ofSize(p - 1),
                Arbitraries.of(false, true),
                Arbitraries.integers().between(1, p - 1).set().map(s -> List.copyOf(new java.util.TreeSet<>(s))),
                Combinators.combine(Arbitraries.of(1000L, 1500L), Arbitraries.of(250L, 500L)).as(Tuple::of))
                .as((n, phase, seen, silent, standbys, sync, syncSet, fence) -> new Situation(n, phase, seen, silent,
                        standbys, sync, syncSet, fence.get1(), fence.get2())));
    }
}
