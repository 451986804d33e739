package io.raftpool.server.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeaseDecisionTest {
    private static final long FENCE = 1_500;
    private static final long PID = 7;

    @Test
    void aPrimaryInContactIsGuardedUntilItsOwnFencingDeadline() {
        Lease next = LeaseDecision.next(Lease.NONE, true, false, Optional.of(1_000L), 500, FENCE, PID);

        assertThat(next).isEqualTo(Lease.armedUntil(2_500, PID));
    }

    @Test
    void aStandbyIsNotGuarded() {
        Lease next = LeaseDecision.next(Lease.armedUntil(2_500, 1), false, false, Optional.of(1_000L), 500, FENCE, PID);

        assertThat(next).isEqualTo(Lease.disarmed(PID));
    }

    @Test
    void aStandbyAboutToBePromotedIsGuardedBeforeThePromotion() {
        Lease next = LeaseDecision.next(Lease.disarmed(PID), false, true, Optional.of(1_000L), 500, FENCE, PID);

        assertThat(next.armed()).isTrue();
        assertThat(next.deadlineNanos()).isEqualTo(2_500);
    }

    /** The leader counts on the deadline the previous agent left (a restart window): never later before contact. */
    @Test
    void aNewAgentWithoutContactKeepsTheInheritedDeadlineInsteadOfMovingIt() {
        Lease inherited = Lease.armedUntil(30_000, 1);

        Lease next = LeaseDecision.next(inherited, true, false, Optional.empty(), 29_000, FENCE, PID);

        assertThat(next).isEqualTo(Lease.armedUntil(30_000, PID));
    }

    @Test
    void aNewAgentWithoutContactOrLeaseGuardsFromItsFirstBeat() {
        Lease next = LeaseDecision.next(Lease.NONE, true, false, Optional.empty(), 29_000, FENCE, PID);

        assertThat(next).isEqualTo(Lease.armedUntil(30_500, PID));
    }

    @Test
    void contactOfItsOwnReplacesTheInheritedDeadlineEvenWhenThatIsEarlier() {
        Lease next = LeaseDecision.next(Lease.armedUntil(30_000, 1), true, false, Optional.of(5_000L), 0, FENCE, PID);

        assertThat(next).isEqualTo(Lease.armedUntil(6_500, PID));
    }
}
