package io.raftpool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The write outage as a proxy's clients see it: from the first failure to the first route to a newer primary. */
class OutageMeterTest {
    @Test
    void fromTheFirstFailureToTheFirstRouteToANewerPrimary() {
        OutageMeter m = new OutageMeter();

        assertThat(m.routed(100, 1)).as("nothing failed").isEmpty();
        m.unroutable(1_000, 50_000);
        m.unroutable(1_200, 50_200); // later failures do not move the start
        assertThat(m.routed(1_650, 2)).contains(new OutageMeter.Outage(2, 50_000, 650));
        assertThat(m.routed(1_700, 2)).as("said once").isEmpty();
    }

    /** The view names the new epoch as soon as its promotion begins: the outage is measured against the last primary served. */
    @Test
    void aFailureEndedByTheSamePrimaryIsNoPrimaryChange() {
        OutageMeter m = new OutageMeter();
        m.routed(10, 3);

        m.unroutable(1_000, 50_000);
        assertThat(m.routed(1_100, 3)).isEmpty();
        m.unroutable(2_000, 51_000);
        assertThat(m.routed(2_900, 4)).as("a new outage starts at the next failure")
                .contains(new OutageMeter.Outage(4, 51_000, 900));
    }
}
