package io.raftpool.server.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.server.watchdog.WatchdogStep.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WatchdogStepTest {
    private static final long DEADLINE = 10_000;

    @ParameterizedTest(name = "armed={0} now={1} agentAlive={2} serverRunning={3} -> {4}")
    @CsvSource({
            "true,   9999, true,  true,  WAIT",   // the lease holds
            "true,  10000, true,  true,  FIRE",   // ran out while the agent lives (hung): kill
            "true,  10000, false, true,  FIRE",   // ran out with the agent gone: kill
            "true,  10000, true,  false, WAIT",   // ran out, nothing runs: the agent may start it again after renewing
            "true,  10000, false, false, EXIT",   // served, agent gone: done
            "true,   9999, false, true,  WAIT",   // agent gone (a restart): the lease still holds
            "false,  9999, true,  true,  WAIT",   // a standby: nothing to guard
            "false, 99999, true,  true,  WAIT",
            "false,  9999, false, true,  EXIT",   // a standby's agent gone: nothing to guard
    })
    void eachTurn(boolean armed, long now, boolean agentAlive, boolean serverRunning, Step expected) {
        Lease lease = new Lease(armed, DEADLINE, 42);

        assertThat(WatchdogStep.step(lease, now, agentAlive, serverRunning)).isEqualTo(expected);
    }

    @Test
    void theDeviceIsKickedOnlyWhileAResetWouldStillComeBeforeTheLeaderMayPromote() {
        Lease lease = Lease.armedUntil(DEADLINE, 42);

        assertThat(WatchdogStep.kickDevice(lease, 9_000, 1_000, 500)).isTrue();
        assertThat(WatchdogStep.kickDevice(lease, 9_500, 1_000, 500)).as("reset exactly at the leader's earliest").isTrue();
        assertThat(WatchdogStep.kickDevice(lease, 9_501, 1_000, 500)).isFalse();
        assertThat(WatchdogStep.kickDevice(Lease.disarmed(42), 0, 1_000, 500)).isFalse();
    }

    @Test
    void theLeaseComesBackFromItsFileAsItWasWrittenAndATornOneIsNoLease() {
        Lease lease = Lease.armedUntil(-123_456_789L, 4242);

        assertThat(Lease.parse(lease.format())).contains(lease);
        assertThat(Lease.parse("armed=true deadline=12")).isEmpty();
        assertThat(Lease.parse("armed=true deadline=x agent=1")).isEmpty();
        assertThat(Lease.parse("")).isEmpty();
    }

    @Test
    void aLeaseRunsOutAcrossTheWrapOfTheMonotonicClock() {
        Lease lease = Lease.armedUntil(Long.MAX_VALUE - 5, 1);

        assertThat(lease.expiredAt(Long.MAX_VALUE - 6)).isFalse();
        assertThat(lease.expiredAt(Long.MIN_VALUE + 10)).isTrue();
        assertThat(lease.leftNanos(Long.MAX_VALUE - 10)).isEqualTo(5);
    }
}
