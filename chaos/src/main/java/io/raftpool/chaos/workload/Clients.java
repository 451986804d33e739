package io.raftpool.chaos.workload;

import io.raftpool.chaos.history.HistoryRecorder;
import io.raftpool.chaos.history.Op;
import io.raftpool.chaos.history.OpType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Concurrent clients of a workload, one thread each, until a deadline (or {@link #stop()}).
 * Each operation is recorded as an invocation before anything is sent and as a completion
 * after the answer. A client whose operation failed reconnects through the next endpoint (or,
 * pinned, through its own again); one
 * whose operation ended unknown also continues as a new process, as in Jepsen. The choices
 * (operations, first endpoint) come from the seed; the pace is a fixed rate per client.
 *
 * <p>{@link #direct Direct} clients stand for what connects to a PostgreSQL server without a
 * proxy (applications, cron jobs, admin tools): one per server, each pinned to its server's own
 * port, keeping its session for as long as it works, writing whatever that server is now; their
 * operations are marked direct in the history.
 */
public final class Clients {
    private final Workload workload;
    private final HistoryRecorder history;
    private final Endpoints endpoints;
    private final List<Endpoints.Endpoint> targets;
    private final int firstProcess;
    private final int concurrency;
    private final long seed;
    private final long periodNs;
    private final long deadlineNs;
    private final String applicationName;
    private final boolean pinned;
    private final boolean direct;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong fail = new AtomicLong();
    private final AtomicLong info = new AtomicLong();

    /**
     * @param targets      the addresses the clients connect to, tried in turn (the proxies, or
     *                     one server directly for the rogue self-test)
     * @param firstProcess process number of the first client; client k starts as firstProcess + k, and
     *                     names itself so to the workload (whose ids are unique per client name)
     * @param ratePerClient operations per second per client
     * @param deadlineNs   history time after which no new operation starts
     * @param pinned       client k always reconnects through target k (mod the targets), never the next
     */
    public Clients(Workload workload, HistoryRecorder history, Endpoints endpoints, List<Endpoints.Endpoint> targets,
                   int firstProcess, int concurrency, long seed, double ratePerClient, long deadlineNs,
                   String applicationName, boolean pinned) {
        this(workload, history, endpoints, targets, firstProcess, concurrency, seed, ratePerClient, deadlineNs,
                applicationName, pinned, false);
    }

    private Clients(Workload workload, HistoryRecorder history, Endpoints endpoints, List<Endpoints.Endpoint> targets,
                    int firstProcess, int concurrency, long seed, double ratePerClient, long deadlineNs,
                    String applicationName, boolean pinned, boolean direct) {
        if (concurrency < 1 || targets.isEmpty() || ratePerClient <= 0) {
            throw new IllegalArgumentException("clients: concurrency " + concurrency + ", targets " + targets
                    + ", rate " + ratePerClient + " (need at least one client, one target, a positive rate)");
        }
        this.workload = workload;
        this.history = history;
        this.endpoints = endpoints;
        this.targets = List.copyOf(targets);
        this.firstProcess = firstProcess;
        this.concurrency = concurrency;
        this.seed = seed;
        this.periodNs = (long) (1e9 / ratePerClient);
        this.deadlineNs = deadlineNs;
        this.applicationName = applicationName;
        this.pinned = pinned;
        this.direct = direct;
    }

    /**
     * One client per PostgreSQL server of {@code endpoints}, connected straight to its port, never
     * moving to another server; processes from {@code firstProcess} on.
     */
    public static Clients direct(Workload workload, HistoryRecorder history, Endpoints endpoints, int firstProcess,
                                 long seed, double ratePerClient, long deadlineNs) {
        return new Clients(workload, history, endpoints, endpoints.servers(), firstProcess, endpoints.servers().size(),
                seed, ratePerClient, deadlineNs, "chaos-direct", true, true);
    }

    public int size() {
        return concurrency;
    }

    public void start() {
        for (int k = 0; k < concurrency; k++) {
            int client = k;
            Thread t = new Thread(() -> run(client), applicationName + "-" + k);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    public void stop() {
        stopped.set(true);
    }

    /** Waits for every client to finish its last operation; false if one is still busy after {@code timeout}. */
    public boolean await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }

    public long ok() {
        return ok.get();
    }

    public long failed() {
        return fail.get();
    }

    public long unknown() {
        return info.get();
    }

    private int nextTarget(int target) {
        return pinned ? target : (target + 1) % targets.size();
    }

    private void run(int client) {
        Random rnd = new Random(seed * 1_000_003L + client);
        int process = firstProcess + client;
        int target = client % targets.size();
        long next = history.now();
        long seq = 0;
        Connection conn = null;
        try {
            while (!stopped.get() && history.now() < deadlineNs) {
                long wait = next - history.now();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // the pace of the workload, not a synchronisation
                }
                next = Math.max(next + periodNs, history.now());
                if (stopped.get() || history.now() >= deadlineNs) {
                    break;
                }
                Invocation inv = workload.next(firstProcess + client, seq++, rnd); // ids unique across client groups
                Endpoints.Endpoint ep = targets.get(target);
                Op invoked = direct ? history.invokeDirect(process, inv.f(), inv.value(), ep.node())
                        : history.invoke(process, inv.f(), inv.value(), ep.node());
                Phase phase = new Phase();
                try {
                    if (conn == null) {
                        conn = DriverManager.getConnection(ep.jdbcUrl(), Endpoints.jdbcProperties(applicationName));
                    }
                    Applied a = workload.apply(conn, inv, phase);
                    history.complete(invoked, a.type(), a.value(), a.serverPort() < 0 ? -1 : endpoints.nodeOfPort(a.serverPort()),
                            a.timeline(), a.error());
                    (a.type() == OpType.OK ? ok : fail).incrementAndGet();
                } catch (SQLException e) {
                    OpType type = ErrorClassifier.classify(e.getSQLState(), phase.decidingRequestSent());
                    history.complete(invoked, type, null, -1, -1, describe(e, phase));
                    (type == OpType.FAIL ? fail : info).incrementAndGet();
                    if (conn == null || !ErrorClassifier.connectionUsable(e.getSQLState())) {
                        closeQuietly(conn);
                        conn = null;
                        target = nextTarget(target);
                    }
                    if (type == OpType.INFO) {
                        process += concurrency;
                    }
                } catch (RuntimeException e) {
                    history.complete(invoked, OpType.INFO, null, -1, -1, "client error: " + e);
                    info.incrementAndGet();
                    closeQuietly(conn);
                    conn = null;
                    target = nextTarget(target);
                    process += concurrency;
                }
            }
        } finally {
            closeQuietly(conn);
        }
    }

    private static String describe(SQLException e, Phase phase) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        return (phase.decidingRequestSent() ? "" : "before the request: ") + (e.getSQLState() == null ? "" : e.getSQLState() + " ")
                + msg;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // it is being thrown away
            }
        }
    }
}
