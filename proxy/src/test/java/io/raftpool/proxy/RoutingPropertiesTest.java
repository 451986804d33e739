package io.raftpool.proxy;

import static io.raftpool.testkit.InvariantViolated.check;

import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.PrimaryPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import io.raftpool.testkit.MustBeFalsified;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * S1 over random sequences of views (from agents that are ahead, behind or out of touch, so
 * arriving reordered, stale and duplicated), clock ticks and read-write connections, applied
 * with {@link Routing}'s rules the way {@link Router} applies them: a view is accepted or
 * ignored, then the open sessions its permits no longer allow are closed, and connections are
 * routed under the view. Writes never go to the primary of an older epoch than the newest the
 * proxy has received, nor through a view older than the bound, and no session to an older
 * epoch's primary stays open. The twin properties run broken variants of the rules and must
 * yield a counterexample.
 */
class RoutingPropertiesTest {
    static final int TRIES = 200;
    static final int BROKEN_TRIES = 3000;
    static final Duration STALE = Duration.ofMillis(1000);
    static final int SERVERS = 3;

    /** The routing rules under test. */
    record Rules(Accept accept, ReadWrite readWrite, Keeps keeps) {}

    @FunctionalInterface
    interface Accept {
        AgentView accept(Optional<AgentView> current, AgentView incoming);
    }

    @FunctionalInterface
    interface ReadWrite {
        Route readWrite(Optional<AgentView> view, long now, Duration staleAfter);
    }

    @FunctionalInterface
    interface Keeps {
        boolean keeps(Permits permits, ProxyPort port, int nodeId, long epoch);
    }

    static final Rules REAL = new Rules(Routing::accept, Routing::readWrite, Routing::keeps);

    // ---------------------------------------------------------------------------------------
    // the events; the committed history gives epoch e the primary primaries.get(e - 1)
    // ---------------------------------------------------------------------------------------

    sealed interface Event {}

    /** An agent serves its view of epoch {@code epoch}, having been out of touch for {@code contactAgeMs} (-1: never in touch). */
    record View(int epoch, PrimaryPhase phase, long contactAgeMs) implements Event {}

    record Tick(long ms) implements Event {}

    record Connect() implements Event {}

    record Scenario(List<Integer> primaries, List<Event> events) {}

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Event> view = Combinators.combine(Arbitraries.integers().between(1, 6),
                Arbitraries.frequency(Tuple.of(4, PrimaryPhase.ACTIVE), Tuple.of(1, PrimaryPhase.PROMOTING)),
                Arbitraries.frequency(Tuple.of(4, 0L), Tuple.of(1, 300L), Tuple.of(1, 1500L), Tuple.of(1, -1L)))
                .as(View::new);
        Arbitrary<Event> tick = Arbitraries.of(100L, 500L, 1200L).map(Tick::new);
        Arbitrary<Event> connect = Arbitraries.just(new Connect());
        Arbitrary<Event> event = Arbitraries.frequencyOf(Tuple.of(3, view), Tuple.of(1, tick), Tuple.of(3, connect));
        return Combinators.combine(Arbitraries.integers().between(0, SERVERS - 1).list().ofSize(6),
                event.list().ofMinSize(1).ofMaxSize(30)).as(Scenario::new);
    }

    static ClusterView cluster(int epoch, PrimaryPhase phase, int primary) {
        Map<Integer, BackendView> backends = new TreeMap<>();
        for (int id = 0; id < SERVERS; id++) {
            backends.put(id, new BackendView(id, "pg" + id, "10.0.0." + (11 + id), 5432, BackendStatus.UP,
                    id == primary ? BackendRole.PRIMARY : BackendRole.STANDBY, false, false));
        }
        return new ClusterView(epoch, primary, phase, backends);
    }

    // ---------------------------------------------------------------------------------------
    // the invariant
    // ---------------------------------------------------------------------------------------

    /**
     * S1: every read-write connection goes to the primary of the newest epoch received, through a
     * view younger than the bound; after every event, no open read-write session is bound to an
     * older epoch or to a server that is not that epoch's primary.
     */
    static void writesGoOnlyToThePrimaryOfTheNewestEpochKnown(Rules rules, Scenario s) {
        Optional<AgentView> view = Optional.empty();
        long now = 10_000;
        long known = 0;
        List<Target> sessions = new ArrayList<>();
        int i = 0;
        for (Event e : s.events()) {
            if (e instanceof View v) {
                AgentView incoming = new AgentView(cluster(v.epoch(), v.phase(), s.primaries().get(v.epoch() - 1)), now,
                        v.contactAgeMs(), v.epoch() % SERVERS);
                view = Optional.of(rules.accept().accept(view, incoming));
                known = Math.max(known, v.epoch());
            } else if (e instanceof Tick t) {
                now += t.ms();
            }
            // as Router.reconcile: the sessions the new permits do not allow are closed first
            Permits permits = Routing.permits(view, now, STALE);
            sessions.removeIf(t -> !rules.keeps().keeps(permits, ProxyPort.READ_WRITE, t.nodeId(), t.epoch()));
            if (e instanceof Connect) {
                Route route = rules.readWrite().readWrite(view, now, STALE);
                if (route instanceof Route.To to) {
                    Target t = to.target();
                    check(t.epoch() == known && t.nodeId() == s.primaries().get((int) known - 1),
                            "event " + i + ": a write routed to node " + t.nodeId() + " at epoch " + t.epoch()
                                    + ", but the newest epoch received is " + known + " (primary node "
                                    + s.primaries().get((int) known - 1) + ")", "view: " + view);
                    long age = view.isPresent() ? view.get().ageMs(now) : -1;
                    check(view.isPresent() && age < STALE.toMillis(), "event " + i + ": a write routed through a view "
                            + (age == Long.MAX_VALUE ? "never confirmed by a majority" : age + " ms old"), "view: " + view);
                    sessions.add(t);
                }
            }
            for (Target t : sessions) {
                check(t.epoch() == known && t.nodeId() == s.primaries().get((int) known - 1), "after event " + i
                        + " a read-write session to node " + t.nodeId() + " of epoch " + t.epoch()
                        + " stays open, but the newest epoch received is " + known, "view: " + view);
            }
            i++;
        }
    }

    // ---------------------------------------------------------------------------------------
    // deliberately broken variants (test code only)
    // ---------------------------------------------------------------------------------------

    /** Believes whichever agent spoke last, even one behind: a late view brings back an old primary. */
    static final Rules BELIEVES_THE_LAST_VIEW = new Rules((current, incoming) -> incoming, Routing::readWrite,
            Routing::keeps);

    /** Keeps a session to the writable server whatever its epoch: a re-promoted node's old sessions survive. */
    static final Rules KEEPS_SESSIONS_ACROSS_EPOCHS = new Rules(Routing::accept, Routing::readWrite,
            (permits, port, nodeId, epoch) -> nodeId == permits.writablePrimary());

    /** Routes writes whatever the view's age. */
    static final Rules IGNORES_STALENESS = new Rules(Routing::accept,
            (view, now, staleAfter) -> Routing.readWrite(view.map(v -> new AgentView(v.cluster(), now, 0, v.servedBy())),
                    now, staleAfter), Routing::keeps);

    // ---------------------------------------------------------------------------------------
    // the properties
    // ---------------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void writesGoOnlyToThePrimaryOfTheNewestEpochKnown(@ForAll("scenarios") Scenario s) {
        writesGoOnlyToThePrimaryOfTheNewestEpochKnown(REAL, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void writesGoOnlyToThePrimaryOfTheNewestEpochKnown_catchesRulesThatBelieveTheLastView(
            @ForAll("scenarios") Scenario s) {
        writesGoOnlyToThePrimaryOfTheNewestEpochKnown(BELIEVES_THE_LAST_VIEW, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void writesGoOnlyToThePrimaryOfTheNewestEpochKnown_catchesRulesThatKeepSessionsAcrossEpochs(
            @ForAll("scenarios") Scenario s) {
        writesGoOnlyToThePrimaryOfTheNewestEpochKnown(KEEPS_SESSIONS_ACROSS_EPOCHS, s);
    }

    @Property(tries = BROKEN_TRIES, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(MustBeFalsified.class)
    void writesGoOnlyToThePrimaryOfTheNewestEpochKnown_catchesRulesThatIgnoreStaleness(
            @ForAll("scenarios") Scenario s) {
        writesGoOnlyToThePrimaryOfTheNewestEpochKnown(IGNORES_STALENESS, s);
    }
}
