package io.raftpool.server.local;

import static io.raftpool.server.local.LocalPlannerTest.facts;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.server.watchdog.Lease;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a node's server needs its watchdog armed (S6: no primary outlives a hung agent unguarded). */
class WatchdogGuardTest {
    private static final Lease ARMED = Lease.armedUntil(1, 42);
    private static final Lease DISARMED = Lease.disarmed(42);
    private static final LocalPlanner.Action NOTHING = new LocalPlanner.Nothing("steady");

    @Test
    void aServerRunningAsPrimaryIsGuardedAndAStandbyIsNot() {
        assertThat(WatchdogDuty.guarded(facts(f -> f.asPrimary()), NOTHING, DISARMED)).isTrue();
        assertThat(WatchdogDuty.guarded(facts(f -> { }), NOTHING, DISARMED)).isFalse();
    }

    /**
     * Right after a promotion the last probe still says "standby" for up to a period: the
     * committed active primary of this node is guarded anyway (a CI run found it disarmed
     * there, and a planned agent restart then opened no restart window).
     */
    @Test
    void theCommittedPrimaryIsGuardedWhileItsLastProbeStillSaysStandby() {
        assertThat(WatchdogDuty.guarded(facts(f -> {
            f.asPrimary();
            f.inRecovery = Optional.of(true);
        }), NOTHING, ARMED)).isTrue();
        assertThat(WatchdogDuty.guarded(facts(f -> {
            f.asPrimary();
            f.inRecovery = Optional.of(true);
            f.running = false;
        }), NOTHING, ARMED)).as("nothing runs: nothing to guard").isFalse();
    }

    @Test
    void aServerAboutToBePromotedIsGuardedBeforeItIs() {
        assertThat(WatchdogDuty.guarded(facts(f -> { }), new LocalPlanner.Promote(2), DISARMED)).isTrue();
    }

    @Test
    void aServerOfUnknownRoleStaysGuardedOnlyIfItWas() {
        assertThat(WatchdogDuty.guarded(facts(f -> f.inRecovery = Optional.empty()), NOTHING, ARMED)).isTrue();
        assertThat(WatchdogDuty.guarded(facts(f -> f.inRecovery = Optional.empty()), NOTHING, DISARMED)).isFalse();
    }
}
