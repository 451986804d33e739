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

    /** A session cut under a request: its client could not write from the moment it asked, before anyone was refused. */
    @Test
    void aRequestLeftUnansweredMovesTheStartBackToWhenItWasSent() {
        OutageMeter m = new OutageMeter();
        m.routed(10, 1);
        m.unroutable(3_000, 52_000); // the first refusal, once the view changed
        m.unroutable(1_000, 50_000); // a session retired at 3 000 that had waited since 1 000
        m.unroutable(2_000, 51_000);
        assertThat(m.routed(3_400, 2)).contains(new OutageMeter.Outage(2, 50_000, 2_400));
    }

    /** A frozen agent: the view goes stale, then fresh again from another agent naming the dead primary. */
    @Test
    void aViewNamingTheSamePrimaryEndsTheOutageOnlyUntilTheNextFailure() {
        OutageMeter m = new OutageMeter();
        m.routed(10, 1);
        m.unroutable(1_000, 50_000);               // sessions closed: the view went stale
        assertThat(m.viewWritable(1_600, 1)).isEmpty();
        m.unroutable(1_620, 50_620);               // connection refused: the primary is gone
        assertThat(m.routed(2_500, 2)).as("one outage, from the first failure")
                .contains(new OutageMeter.Outage(2, 50_000, 1_500));

        m.unroutable(10_000, 60_000);              // a blip: the view was stale a moment
        assertThat(m.viewWritable(10_500, 2)).isEmpty();
        m.unroutable(20_000, 70_000);              // much later, the primary fails
        assertThat(m.viewWritable(20_400, 3)).as("a newer primary in the view ends it, no client needed")
                .contains(new OutageMeter.Outage(3, 70_000, 400));
    }

    /** kill -9 of the primary's postmaster: its backends say so and close; the clients find out at their next write. */
    @Test
    void aSessionTheServerClosedStartsTheOutageIfAFailureFollowsSoon() {
        OutageMeter m = new OutageMeter();
        m.routed(10, 1);
        m.serverClosed(1_000, 50_000);
        m.unroutable(1_040, 50_040);               // the next connection finds nobody
        assertThat(m.routed(1_300, 2)).contains(new OutageMeter.Outage(2, 50_000, 300));

        m.serverClosed(5_000, 54_000);             // an idle timeout, say
        assertThat(m.routed(5_010, 2)).as("the next connection is served").isEmpty();
        m.serverClosed(8_000, 57_000);
        m.unroutable(20_000, 69_000);              // a failure long after: its own start
        assertThat(m.routed(20_300, 3)).contains(new OutageMeter.Outage(3, 69_000, 300));
    }

    @Test
    void aSessionWaitsFromItsClientsFirstUnansweredBytesUntilTheServerSpeaks() {
        long[] now = {100};
        MonotonicClock clock = () -> now[0];
        java.util.concurrent.atomic.AtomicLong serverAnswered = new java.util.concurrent.atomic.AtomicLong(-1);
        Session s = new Session(1, ProxyPort.READ_WRITE, null, null, serverAnswered);
        Session other = new Session(2, ProxyPort.READ_WRITE, null, null, serverAnswered);
        assertThat(s.waitingSinceMs()).isEqualTo(-1);

        s.clientSent(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'Q', 0, 0, 0, 5, 0}), clock);
        now[0] = 150;
        s.clientSent(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'S', 0, 0, 0, 4}), clock);
        assertThat(s.waitingSinceMs()).as("from the first bytes not answered").isEqualTo(100);

        other.clientSent(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'Q', 0, 0, 0, 5, 0}), clock);
        now[0] = 400;
        other.serverSent(clock);
        assertThat(s.waitingSinceMs()).as("a slow request: the server answered another session at 400").isEqualTo(400);

        s.serverSent(clock);
        assertThat(s.waitingSinceMs()).isEqualTo(-1);
        s.clientSent(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'X', 0, 0, 0, 4}), clock);
        assertThat(s.waitingSinceMs()).as("a Terminate waits for no answer").isEqualTo(-1);
    }
}
