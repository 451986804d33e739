package io.raftpool.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.BackendRole;
import io.raftpool.proto.Health;
import io.raftpool.proto.Observation;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HealthTrackerTest {
    private static final ProbeOutcome REFUSED = ProbeOutcome.unreachable("connection refused", ProbeOutcome.Running.UNKNOWN);
    private static final ProbeOutcome STREAMING = ProbeOutcome.standby(1, 0x3000000L, true);

    private static ObserverView after(ObserverView start, int retries, ProbeOutcome... probes) {
        ObserverView v = start;
        for (ProbeOutcome p : probes) {
            v = HealthTracker.next(v, p, retries);
        }
        return v;
    }

    private static ObserverView healthyStandby() {
        return HealthTracker.next(ObserverView.INITIAL, STREAMING, 2);
    }

    @ParameterizedTest(name = "retries = {0}")
    @ValueSource(ints = {0, 1, 2, 5})
    void aServerIsUnreachableOnlyAfterRetriesPlusOneFailuresInARow(int retries) {
        ObserverView v = healthyStandby();
        for (int i = 1; i <= retries; i++) {
            v = HealthTracker.next(v, REFUSED, retries);
            assertThat(v.health()).as("after %d failure(s)", i).isEqualTo(Health.HEALTHY);
            assertThat(v.failuresInRow()).isEqualTo(i);
            assertThat(v.streaming()).as("the last known streaming state is kept until confirmed").isTrue();
        }

        v = HealthTracker.next(v, REFUSED, retries);

        assertThat(v.health()).isEqualTo(Health.UNREACHABLE);
        assertThat(v.failuresInRow()).isEqualTo(retries + 1);
        assertThat(v.streaming()).isFalse();
        assertThat(v.detail()).isEqualTo("connection refused");
        assertThat(v.role()).as("the last known role").isEqualTo(BackendRole.STANDBY);
    }

    /**
     * Found by a fresh-clone run: right after a switchover the new primary's own view was
     * UNREACHABLE with "the database system is starting up", and its agent killed it as hung.
     * An answer, even an error, is no hang.
     */
    @Test
    void onlyTimeoutsAndRefusedConnectionsPastTheRetriesCountAsNoAnswer() {
        ProbeOutcome timeout = ProbeOutcome.unreachable("timeout after 1000ms", ProbeOutcome.Running.TRUE);
        ProbeOutcome startingUp = ProbeOutcome.unreachable("the database system is starting up", ProbeOutcome.Running.TRUE);
        assertThat(after(ObserverView.INITIAL, 2, timeout, timeout, timeout).unanswering()).isTrue();
        assertThat(after(ObserverView.INITIAL, 2, REFUSED, REFUSED, REFUSED).unanswering()).isTrue();
        assertThat(after(ObserverView.INITIAL, 2, timeout, timeout).unanswering()).as("within the retries").isFalse();
        assertThat(after(ObserverView.INITIAL, 2, startingUp, startingUp, startingUp).unanswering())
                .as("it answers: starting up").isFalse();
    }

    @Test
    void oneSuccessResetsTheCountOfFailures() {
        ObserverView v = after(healthyStandby(), 2, REFUSED, REFUSED, STREAMING, REFUSED, REFUSED);

        assertThat(v.health()).isEqualTo(Health.HEALTHY);
        assertThat(v.failuresInRow()).isEqualTo(2);
        assertThat(HealthTracker.next(v, REFUSED, 2).health()).isEqualTo(Health.UNREACHABLE);
    }

    @Test
    void anUnreachableServerIsHealthyAgainAtTheFirstGoodProbe() {
        ObserverView down = after(healthyStandby(), 0, REFUSED);
        assertThat(down.health()).isEqualTo(Health.UNREACHABLE);

        ObserverView up = HealthTracker.next(down, ProbeOutcome.primary(2, 0x4000000L), 0);

        assertThat(up.health()).isEqualTo(Health.HEALTHY);
        assertThat(up.role()).isEqualTo(BackendRole.PRIMARY);
        assertThat(up.timeline()).isEqualTo(2);
        assertThat(up.walLsn()).isEqualTo(0x4000000L);
        assertThat(up.failuresInRow()).isZero();
        assertThat(up.detail()).isEqualTo("running as primary");
    }

    @Test
    void theOwnAgentsNoPostmasterIsCertainAtOnceWhateverTheRetries() {
        ObserverView v = HealthTracker.next(healthyStandby(), ProbeOutcome.notRunning(), 100);

        assertThat(v.health()).isEqualTo(Health.NOT_RUNNING);
        assertThat(v.streaming()).isFalse();
        assertThat(v.role()).isEqualTo(BackendRole.STANDBY);
        assertThat(v.detail()).isEqualTo("postmaster is not running");
    }

    @Test
    void aProbeThatFailsWhileThePostmasterRunsIsAnOrdinaryFailure() {
        ProbeOutcome runningButRefused = REFUSED.withRunning(ProbeOutcome.Running.TRUE);

        assertThat(HealthTracker.next(healthyStandby(), runningButRefused, 1).health()).isEqualTo(Health.HEALTHY);
        assertThat(after(healthyStandby(), 1, runningButRefused, runningButRefused).health()).isEqualTo(Health.UNREACHABLE);
    }

    @Test
    void afterNoPostmasterAnUnconfirmedFailureSaysUnknownNotStillNotRunning() {
        ObserverView notRunning = HealthTracker.next(healthyStandby(), ProbeOutcome.notRunning(), 5);

        ObserverView v = HealthTracker.next(notRunning, REFUSED.withRunning(ProbeOutcome.Running.TRUE), 5);

        assertThat(v.health()).isEqualTo(Health.HEALTH_UNKNOWN);
        assertThat(v.failuresInRow()).isEqualTo(2);
    }

    @Test
    void aServerNeverReachedIsUnknownUntilTheFailuresAreConfirmed() {
        assertThat(HealthTracker.next(ObserverView.INITIAL, REFUSED, 1).health()).isEqualTo(Health.HEALTH_UNKNOWN);
        assertThat(after(ObserverView.INITIAL, 1, REFUSED, REFUSED).health()).isEqualTo(Health.UNREACHABLE);
    }

    static Stream<Arguments> probeWords() {
        return Stream.of(
                Arguments.of(ProbeOutcome.primary(1, 10), BackendRole.PRIMARY, false, "running as primary"),
                Arguments.of(ProbeOutcome.standby(1, 10, true), BackendRole.STANDBY, true, "streaming standby"),
                Arguments.of(ProbeOutcome.standby(1, 10, false), BackendRole.STANDBY, false, "standby, not streaming"));
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("probeWords")
    void aGoodProbeGivesTheRoleFromRecoveryAndSaysWhatItSaw(ProbeOutcome p, BackendRole role, boolean streaming,
                                                            String detail) {
        ObserverView v = HealthTracker.next(ObserverView.INITIAL, p, 2);

        assertThat(v).isEqualTo(new ObserverView(Health.HEALTHY, role, streaming, 1, 10, 0, detail));
    }

    // ---------------------------------------------------------------------------------------
    // differs: what is worth committing
    // ---------------------------------------------------------------------------------------

    private static final ObserverView HEALTHY_STANDBY =
            new ObserverView(Health.HEALTHY, BackendRole.STANDBY, true, 1, 0x3000000L, 0, "streaming standby");

    static Stream<Arguments> differences() {
        Observation committed = HealthTracker.toObservation(2, 1, HEALTHY_STANDBY, 0, 1000);
        Observation unreachable = HealthTracker.toObservation(2, 1,
                new ObserverView(Health.UNREACHABLE, BackendRole.STANDBY, false, 1, 0, 3, "timeout"), -1, 1000);
        return Stream.of(
                Arguments.of("nothing committed yet", null, HEALTHY_STANDBY, true),
                Arguments.of("the same", committed, HEALTHY_STANDBY, false),
                Arguments.of("only the WAL position moved", committed,
                        withWal(HEALTHY_STANDBY, 0x9000000L), false),
                Arguments.of("only the failure count and detail", committed,
                        new ObserverView(Health.HEALTHY, BackendRole.STANDBY, true, 1, 0x3000000L, 2, "x"), false),
                Arguments.of("health", committed,
                        new ObserverView(Health.UNREACHABLE, BackendRole.STANDBY, false, 1, 0, 3, "timeout"), true),
                Arguments.of("role", committed,
                        new ObserverView(Health.HEALTHY, BackendRole.PRIMARY, false, 1, 0, 0, "running as primary"), true),
                Arguments.of("streaming", committed,
                        new ObserverView(Health.HEALTHY, BackendRole.STANDBY, false, 1, 0, 0, "not streaming"), true),
                Arguments.of("timeline", committed,
                        new ObserverView(Health.HEALTHY, BackendRole.STANDBY, true, 2, 0, 0, "streaming standby"), true),
                Arguments.of("still unreachable, other role remembered", unreachable,
                        new ObserverView(Health.UNREACHABLE, BackendRole.PRIMARY, false, 5, 0, 9, "refused"), false));
    }

    private static ObserverView withWal(ObserverView v, long wal) {
        return new ObserverView(v.health(), v.role(), v.streaming(), v.timeline(), wal, v.failuresInRow(), v.detail());
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("differences")
    void onlyHealthRoleStreamingAndTimelineChangesAreWorthCommitting(String name, Observation committed,
                                                                     ObserverView view, boolean differs) {
        assertThat(HealthTracker.differs(committed, view)).isEqualTo(differs);
    }

    @Test
    void anObservationCarriesTheViewTheLagAndTheTime() {
        Observation o = HealthTracker.toObservation(2, 1, HEALTHY_STANDBY, 512, 1234);

        assertThat(o.getObserver()).isEqualTo(2);
        assertThat(o.getSubject()).isEqualTo(1);
        assertThat(o.getHealth()).isEqualTo(Health.HEALTHY);
        assertThat(o.getRole()).isEqualTo(BackendRole.STANDBY);
        assertThat(o.getStreaming()).isTrue();
        assertThat(o.getTimeline()).isEqualTo(1);
        assertThat(o.getWalLsn()).isEqualTo(0x3000000L);
        assertThat(o.getLagBytes()).isEqualTo(512);
        assertThat(o.getDetail()).isEqualTo("streaming standby");
        assertThat(o.getAtMs()).isEqualTo(1234);
    }

    @Test
    void failuresKeepCountingPastTheThreshold() {
        ObserverView v = after(healthyStandby(), 1, IntStream.range(0, 10).mapToObj(i -> REFUSED).toArray(ProbeOutcome[]::new));

        assertThat(v.health()).isEqualTo(Health.UNREACHABLE);
        assertThat(v.failuresInRow()).isEqualTo(10);
    }
}
