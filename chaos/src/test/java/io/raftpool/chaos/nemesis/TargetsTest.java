package io.raftpool.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Primary;
import io.raftpool.proto.PrimaryPhase;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TargetsTest {
    /** Node 0 primary; nodes 1 and 2 standbys, node 2 diverged; node 3 a witness. */
    private static ClusterState state(PrimaryPhase phase) {
        return ClusterState.newBuilder()
                .setPrimary(Primary.newBuilder().setNodeId(0).setEpoch(3).setPhase(phase))
                .addBackends(Backend.newBuilder().setNodeId(0))
                .addBackends(Backend.newBuilder().setNodeId(1))
                .addBackends(Backend.newBuilder().setNodeId(2).setNeedsRecovery(true))
                .build();
    }

    private static Targets.Facts facts(ClusterState s, int leader, Set<Integer> running) {
        return new Targets.Facts(s, leader, running, List.of(0, 1, 2, 3));
    }

    @Test
    void thePrimaryIsTheActivePrimaryOfTheCommittedState() {
        assertThat(Targets.choose(FaultKind.Target.PRIMARY, facts(state(PrimaryPhase.ACTIVE), 3, Set.of(0, 1)), new Random(1))
                .nodes()).containsExactly(0);
        Targets.Choice promoting = Targets.choose(FaultKind.Target.PRIMARY, facts(state(PrimaryPhase.PROMOTING), 3, Set.of()),
                new Random(1));
        assertThat(promoting.found()).isFalse();
        assertThat(promoting.whyNone()).contains("no active primary");
        assertThat(Targets.choose(FaultKind.Target.PRIMARY, facts(null, 3, Set.of()), new Random(1)).found()).isFalse();
    }

    @Test
    void aStandbyIsARunningOneThatNeedsNoRecovery() {
        Targets.Facts f = facts(state(PrimaryPhase.ACTIVE), 3, Set.of(0, 1, 2));
        for (int seed = 0; seed < 20; seed++) {
            assertThat(Targets.choose(FaultKind.Target.STANDBY, f, new Random(seed)).nodes()).containsExactly(1);
        }
        assertThat(Targets.choose(FaultKind.Target.STANDBY, facts(state(PrimaryPhase.ACTIVE), 3, Set.of(0, 2)),
                new Random(1)).whyNone()).isEqualTo("no running standby");
    }

    @Test
    void theLeaderAndARandomMinority() {
        Targets.Facts f = facts(state(PrimaryPhase.ACTIVE), 3, Set.of(0, 1));
        assertThat(Targets.choose(FaultKind.Target.LEADER, f, new Random(1)).nodes()).containsExactly(3);
        assertThat(Targets.choose(FaultKind.Target.LEADER, facts(state(PrimaryPhase.ACTIVE), -1, Set.of()), new Random(1))
                .found()).isFalse();
        Set<Integer> minority = Targets.choose(FaultKind.Target.RANDOM_SPLIT, f, new Random(5)).nodes();
        assertThat(minority).hasSize(1).isSubsetOf(0, 1, 2, 3);
        assertThat(Targets.choose(FaultKind.Target.RANDOM_SPLIT, f, new Random(5)).nodes()).isEqualTo(minority);
    }
}
