package io.raftpool.proxy;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's routing table and its open sessions: it applies {@link Routing}'s decisions.
 *
 * <p>One lock orders everything that matters for S1: a view change first closes the sessions
 * its permits no longer allow, and only then can a connection be routed under the new view;
 * new connections wait until those closes have completed (the barrier). Routing a connection
 * and opening its socket to the server happen under the same lock, so no connection to an old
 * primary can be opened after the view that retired it. Nothing under the lock blocks.
 */
final class Router {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /** The result of asking to route one connection. */
    sealed interface Admission {
        record Admitted(Session session) implements Admission {}

        record Refused(Refusal refusal) implements Admission {}

        /** Sessions retired by a view change are still closing: ask again when they are. */
        record Wait(CompletableFuture<Void> barrier) implements Admission {}
    }

    private final Object lock = new Object();
    private final Duration staleAfter;
    private final ProxyMetrics metrics;
    private final Map<Long, Session> sessions = new HashMap<>();
    private final HeldConnections held;
    private final OutageMeter outages = new OutageMeter();
    private volatile java.util.function.Consumer<OutageMeter.Outage> outageListener = o -> { };
    /** Per server node: when it last answered a request on any session (see {@link Session#waitingSinceMs}). */
    private final Map<Integer, java.util.concurrent.atomic.AtomicLong> serverAnswered = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<CancelKey, Session> byCancelKey = new HashMap<>();
    private Optional<AgentView> view = Optional.empty();
    private Permits permits = Permits.NONE;
    /** Null before the first view: its freshness is news only once it changes. */
    private Boolean fresh;
    private boolean warnedBehind;
    private CompletableFuture<Void> barrier = CompletableFuture.completedFuture(null);
    private long nextSessionId = 1;

    Router(Duration staleAfter, ProxyMetrics metrics) {
        this.staleAfter = staleAfter;
        this.metrics = metrics;
        this.held = new HeldConnections(metrics);
    }

    /**
     * Routes one connection. On success the session is registered and its server socket is
     * being opened by {@code connector} (which must not block).
     */
    Admission admit(ProxyPort port, Set<Integer> excluded, long now, Channel client,
                    Function<Target, Channel> connector) {
        synchronized (lock) {
            reconcile(now);
            Route route = port == ProxyPort.READ_WRITE
                    ? Routing.readWrite(view, now, staleAfter)
                    : Routing.readOnly(view, now, staleAfter, readOnlyCounts(), excluded);
            if (route instanceof Route.Refused r) {
                return new Admission.Refused(r.refusal());
            }
            if (!barrier.isDone()) {
                return new Admission.Wait(barrier);
            }
            Target target = ((Route.To) route).target();
            Session session = new Session(nextSessionId++, port, target, client,
                    serverAnswered.computeIfAbsent(target.nodeId(), n -> new java.util.concurrent.atomic.AtomicLong(-1)));
            session.waitingFrom(now); // until the server answers the start: a server that never does cost it from here
            sessions.put(session.id(), session);
            metrics.sessionOpened(port, target);
            try {
                session.backend(connector.apply(target));
            } catch (RuntimeException e) {
                // e.g. the event loop is shutting down with the proxy
                forget(session);
                return new Admission.Refused(new Refusal(RefusalReason.CONNECT_FAILED, "raftpool: cannot open a"
                        + " connection to " + target.describe() + ": " + e + "; retry shortly"));
            }
            return new Admission.Admitted(session);
        }
    }

    /** Forgets a session whose client or server side has gone. Idempotent. */
    void release(Session session) {
        synchronized (lock) {
            forget(session);
        }
    }

    private void forget(Session session) {
        if (sessions.remove(session.id()) != null) {
            metrics.sessionClosed(session.port(), session.target());
        }
        CancelKey key = session.cancelKey();
        if (key != null) {
            byCancelKey.remove(key, session);
        }
    }

    void learnedCancelKey(Session session, CancelKey key) {
        synchronized (lock) {
            if (sessions.containsKey(session.id())) {
                session.cancelKey(key);
                byCancelKey.put(key, session);
            }
        }
    }

    /**
     * Where a CancelRequest goes: the server holding the session with that key, or, when the
     * key is unknown (its session runs TLS, or is not ours), every server known; PostgreSQL
     * ignores a key that is not its own.
     */
    CancelRoute cancelTargets(CancelKey key) {
        synchronized (lock) {
            Session owner = byCancelKey.get(key);
            if (owner != null) {
                return new CancelRoute(List.of(address(owner.target())), true);
            }
            Set<InetSocketAddress> all = new LinkedHashSet<>();
            for (Session s : sessions.values()) {
                all.add(address(s.target()));
            }
            view.ifPresent(v -> v.cluster().backends().values()
                    .forEach(b -> all.add(InetSocketAddress.createUnresolved(b.host(), b.pgPort()))));
            return new CancelRoute(List.copyOf(all), false);
        }
    }

    /** Where a cancel request goes, and whether its session was known (else: every server). */
    record CancelRoute(List<InetSocketAddress> targets, boolean known) {}

    /** The write outage as this proxy's clients see it. */
    OutageMeter outages() {
        return outages;
    }

    /** The connections waiting for the cluster; every view taken wakes them. */
    HeldConnections held() {
        return held;
    }

    /** Takes a view from an agent. Returns false when it was ignored (an older epoch). */
    boolean onView(AgentView incoming, long now) {
        boolean taken = take(incoming, now);
        if (taken) {
            held.wakeAll();
        }
        return taken;
    }

    private boolean take(AgentView incoming, long now) {
        synchronized (lock) {
            AgentView next = Routing.accept(view, incoming);
            if (next != incoming) {
                if (!warnedBehind) {
                    // once per run of ignored views: an agent that is behind streams them at every heartbeat
                    log.warn("ignoring views of epoch {} from agent {}: this proxy already follows epoch {}",
                            incoming.epoch(), incoming.servedBy(), next.epoch());
                    warnedBehind = true;
                }
                return false;
            }
            warnedBehind = false;
            Optional<AgentView> previous = view;
            view = Optional.of(next);
            if (previous.isEmpty() || changedPrimary(previous.get().cluster(), next.cluster())) {
                ClusterView c = next.cluster();
                long age = next.ageMs(now);
                log.info("view from agent {}: epoch {}, primary node {} {}, {} servers, age {}",
                        next.servedBy(), c.epoch(), c.primaryNodeId(), c.phase(), c.backends().size(),
                        age == Long.MAX_VALUE ? "unconfirmed" : age + " ms");
            }
            metrics.epoch(next.epoch());
            reconcile(now);
            return true;
        }
    }

    /** Re-checks the view's age: a view that has grown stale ends the read-write sessions. */
    void onTick(long now) {
        synchronized (lock) {
            reconcile(now);
        }
    }

    Optional<AgentView> view() {
        synchronized (lock) {
            return view;
        }
    }

    int openSessions(ProxyPort port, int nodeId) {
        synchronized (lock) {
            return (int) sessions.values().stream()
                    .filter(s -> s.port() == port && s.target().nodeId() == nodeId).count();
        }
    }

    /** Closes every session (shutdown). */
    CompletableFuture<Void> closeAll() {
        List<Session> all;
        synchronized (lock) {
            all = new ArrayList<>(sessions.values());
        }
        return CompletableFuture.allOf(all.stream().map(Session::close).toArray(CompletableFuture[]::new));
    }

    private void reconcile(long now) {
        boolean isFresh = view.isPresent() && Routing.isFresh(view.get(), now, staleAfter);
        if (view.isPresent() && fresh != null && isFresh != fresh) {
            if (isFresh) {
                log.info("view is fresh again (epoch {}, age {} ms)", view.get().epoch(), view.get().ageMs(now));
            } else {
                long age = view.get().ageMs(now);
                log.warn("view is stale (epoch {}, age {}, limit {} ms): refusing writes and closing sessions"
                        + " to the primary", view.get().epoch(), age == Long.MAX_VALUE ? "unconfirmed" : age + " ms",
                        staleAfter.toMillis());
            }
        }
        if (view.isPresent()) {
            fresh = isFresh;
        }
        Permits next = Routing.permits(view, now, staleAfter);
        if (next.equals(permits)) {
            return;
        }
        permits = next;
        List<Session> retired = sessions.values().stream()
                .filter(s -> !Routing.keeps(next, s.port(), s.target().nodeId(), s.target().epoch()))
                .toList();
        if (retired.isEmpty()) {
            writable(now, next);
            return;
        }
        log.info("closing {} sessions no longer allowed (epoch {}, writable primary {}, readable standbys {}): {}",
                retired.size(), next.epoch(), next.writablePrimary() < 0 ? "none" : "node " + next.writablePrimary(),
                next.readableStandbys(), summarize(retired));
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        if (!barrier.isDone()) {
            closing.add(barrier);
        }
        for (Session s : retired) {
            forget(s);
            closing.add(s.retire());
            if (s.port() == ProxyPort.READ_WRITE) {
                // a client waiting for an answer could not write since it asked, not since now
                outages.unroutableSince(s.waitingSinceMs() >= 0 ? s.waitingSinceMs() : now, now);
            }
        }
        barrier = CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
        writable(now, next);
    }

    /**
     * A view that lets writes through ends a write outage even if no client is there to be
     * routed: its clients could write from here on (a client that went elsewhere would otherwise
     * leave the outage open until the next primary change).
     */
    private void writable(long now, Permits next) {
        if (next.writablePrimary() >= 0) {
            outages.viewWritable(now, next.epoch()).ifPresent(outageListener);
        }
    }

    /** Where a write outage that a view ended goes (those a client's route ends go through FrontendContext). */
    void onOutage(java.util.function.Consumer<OutageMeter.Outage> listener) {
        this.outageListener = listener;
    }

    private Map<Integer, Integer> readOnlyCounts() {
        Map<Integer, Integer> counts = new HashMap<>();
        for (Session s : sessions.values()) {
            if (s.port() == ProxyPort.READ_ONLY) {
                counts.merge(s.target().nodeId(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static boolean changedPrimary(ClusterView a, ClusterView b) {
        return a.epoch() != b.epoch() || a.primaryNodeId() != b.primaryNodeId() || a.phase() != b.phase();
    }

    private static String summarize(List<Session> retired) {
        Map<String, Integer> byTarget = new HashMap<>();
        for (Session s : retired) {
            byTarget.merge(s.port().label() + " to node " + s.target().nodeId() + " epoch " + s.target().epoch(),
                    1, Integer::sum);
        }
        return byTarget.toString();
    }

    static InetSocketAddress address(Target t) {
        return InetSocketAddress.createUnresolved(t.host(), t.port());
    }
}
