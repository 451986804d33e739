package io.raftpool.harness.bench;

import io.raftpool.api.AdminClient;
import io.raftpool.harness.LocalCluster;
import io.raftpool.harness.Signals;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Event;
import io.raftpool.proto.Health;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.Observation;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.postgres.StopMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failover time as a client sees it: from the primary's failure to the end of the first successful write
 * by a client that opens a new connection through a proxy every 50 ms. Two faults:
 * {@code stop} (pg_ctl stop -m immediate of the primary: its own agent sees it at once),
 * {@code node} (SIGKILL of the primary's agent and PostgreSQL together: the fencing window must
 * pass), {@code hang-postmaster} (SIGSTOP of the postmaster alone: its sessions work, nothing new
 * connects; its agent must kill it before anyone is promoted), {@code kill-postmaster} (SIGKILL
 * of the postmaster alone: its backends live on until they notice or are killed), {@code hang-agent}
 * (SIGSTOP of the primary's agent alone: its watchdog kills the server when the lease runs out)
 * and {@code hang-node} (SIGSTOP of the agent and the postmaster: a half-frozen host). Each phase is reported from the committed events: detection (failure → committed
 * observation), decision (→ failover intent), promotion (→ promotion outcome), rerouting
 * (→ first write through the proxy). Between runs the old primary is rebuilt with
 * recovery-node, so the runs alternate between the two servers.
 *
 * <p>Usage: {@code java -cp cli/target/raftpool.jar io.raftpool.harness.bench.FailoverBench [runs]
 * [stop|node|hang-postmaster|kill-postmaster|hang-agent|hang-node]}
 */
public final class FailoverBench {
    private static final Duration BUDGET = Duration.ofSeconds(60);

    /**
     * One failover's phases, the failed attempts of the reconnecting client after the fault, its time
     * without a write (its last write on the old primary to its first on the new one) and the
     * outage its proxy committed (-1 when none was).
     */
    record Run(double totalMs, double detectionMs, double decisionMs, double promotionMs, double reroutingMs,
               int clientErrors, double clientGapMs, double proxyOutageMs) {}

    /** A fault the bench injects into the primary's node, and heals after the failover. */
    public interface Fault {
        /** Before the clock starts (e.g. where the Raft leader should be). */
        default void prepare(LocalCluster cluster, int primary) {}

        void inject(LocalCluster cluster, int primary, long postmaster);

        /** Before the old primary is rebuilt. */
        default void heal(LocalCluster cluster, int primary) {}
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String fault = args.length > 1 ? args[1] : "stop";
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("failbench").proxies(true))) {
            runAll(cluster, fault, runs, processFault(fault));
        }
    }

    static Fault processFault(String name) {
        return new Fault() {
            @Override
            public void inject(LocalCluster cluster, int primary, long postmaster) {
                switch (name) {
                    case "node" -> {
                        cluster.agent(primary).kill();
                        cluster.postgres(primary).kill();
                    }
                    case "hang-postmaster" -> Signals.send(postmaster, "STOP");
                    case "kill-postmaster" -> Signals.send(postmaster, "KILL");
                    case "hang-agent" -> cluster.agent(primary).signal("STOP");
                    case "hang-node" -> {
                        cluster.agent(primary).signal("STOP");
                        Signals.send(postmaster, "STOP");
                    }
                    default -> cluster.postgres(primary).stop(StopMode.IMMEDIATE, BUDGET);
                }
            }

            @Override
            public void heal(LocalCluster cluster, int primary) {
                if (name.equals("node")) {
                    cluster.agent(primary).start();
                }
                if (name.equals("hang-agent") || name.equals("hang-node")) {
                    cluster.agent(primary).signal("CONT"); // its server was killed by the watchdog: nothing else to wake
                }
            }
        };
    }

    /** {@code runs} failovers of the running cluster, each caused by {@code fault}, with their phases printed. */
    public static void runAll(LocalCluster cluster, String name, int runs, Fault fault) throws Exception {
        cluster.awaitHealthy(Duration.ofSeconds(120));
        execute(cluster, "create table if not exists bench (at timestamptz default now())");
        List<Run> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Run r = once(cluster, fault);
            results.add(r);
            System.out.printf("  run %2d: %s failover %.0f ms = detection %.0f + decision %.0f + promotion %.0f"
                    + " + rerouting %.0f; connection errors %d, client without a write %.0f ms, proxy recorded %.0f ms"
                    + " (difference %.0f ms)%n", i + 1, name, r.totalMs, r.detectionMs, r.decisionMs, r.promotionMs,
                    r.reroutingMs, r.clientErrors, r.clientGapMs, r.proxyOutageMs, r.clientGapMs - r.proxyOutageMs);
        }
        System.out.println("failover (" + name + "), time to the first write through the proxy: "
                + Stats.of(results.stream().map(Run::totalMs).toList()));
        System.out.println("  detection: " + Stats.of(results.stream().map(Run::detectionMs).toList()));
        System.out.println("  decision:  " + Stats.of(results.stream().map(Run::decisionMs).toList()));
        System.out.println("  promotion: " + Stats.of(results.stream().map(Run::promotionMs).toList()));
        System.out.println("  rerouting: " + Stats.of(results.stream().map(Run::reroutingMs).toList()));
        System.out.println("connection errors the client saw in all: " + results.stream().mapToInt(Run::clientErrors).sum());
        System.out.println("client without a write: " + Stats.of(results.stream().map(Run::clientGapMs).toList()));
        System.out.println("outage the proxy recorded: " + Stats.of(results.stream().map(Run::proxyOutageMs)
                .filter(ms -> ms >= 0).toList()));
    }

    static Run once(LocalCluster cluster, Fault fault) throws Exception {
        ClusterState before = cluster.awaitHealthy(BUDGET);
        int primary = before.getPrimary().getNodeId();
        fault.prepare(cluster, primary);
        before = cluster.awaitHealthy(BUDGET);
        long epoch = before.getPrimary().getEpoch();
        int witness = cluster.config().nodes().stream().filter(n -> n.witness()).findFirst().orElseThrow().id();
        var witnessNode = cluster.config().requireNode(witness);
        Client client = new Client(witnessNode.host(), witnessNode.proxy().orElseThrow().rwPort());
        Thread thread = new Thread(client, "bench-client");
        thread.start();
        try {
            client.awaitSuccessAfter(0);
            // a write that a dying old primary still took (its backends outlive a SIGKILLed
            // postmaster for a moment) is no failover: count only writes the new primary took
            client.excludePort(cluster.config().requireNode(primary).requirePostgres().port());
            long postmaster = cluster.postgres(primary).postmasterPid().orElseThrow();
            long t0 = System.currentTimeMillis();
            client.errors.set(0);
            fault.inject(cluster, primary, postmaster);
            long firstWrite = client.awaitSuccessAfter(t0);
            // asked of the witness's agent: the primary's own may be cut off and answer from an old state
            ClusterState[] seen = new ClusterState[1];
            cluster.awaitState("promotion committed", BUDGET, st -> {
                seen[0] = stateFrom(witnessNode.adminAddress());
                return seen[0].getPrimary().getEpoch() == epoch + 1 && seen[0].getPrimary().getPhase() == PrimaryPhase.ACTIVE;
            });
            ClusterState after = seen[0];
            long begun = eventAt(after, epoch + 1, "failover begins");
            // a later observation by the same observer replaces the first one: never after the decision
            long detected = Math.min(detectedAt(after, primary, t0), begun);
            long promoted = eventAt(after, epoch + 1, "is primary at epoch");
            int errors = client.errors.get();
            long gap = client.firstNewEndMs.get() - client.lastOldEndMs.get();
            return new Run(firstWrite - t0, detected - t0, begun - detected, promoted - begun, firstWrite - promoted,
                    errors, gap, proxyOutage(cluster, witnessNode.adminAddress(), witness, epoch + 1));
        } finally {
            client.stop.set(true);
            thread.join(5000);
            fault.heal(cluster, primary);
            ActionReply r = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(primary).setWait(true)
                    .setTimeoutMs(BUDGET.toMillis()).build());
            if (!r.getAccepted()) {
                throw new IllegalStateException("cannot rebuild node " + primary + ": " + r.getMessage());
            }
        }
    }

    /** The outage the proxy on {@code node} committed for {@code epoch}: its duration, -1 when none came within 5 s. */
    static long proxyOutage(LocalCluster cluster, String adminAddress, int node, long epoch) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Event> e = stateFrom(adminAddress).getEventsList().stream().filter(ev -> ev.getKind().equals("outage")
                    && ev.getNodeId() == node && ev.getEpoch() == epoch).findFirst();
            if (e.isPresent()) {
                return e.get().getDurationMs();
            }
            RaftBench.pause(50);
        }
        return -1;
    }

    static ClusterState stateFrom(String adminAddress) {
        try (AdminClient one = AdminClient.connect(List.of(adminAddress), Duration.ofSeconds(2))) {
            return one.getState().getState();
        }
    }

    /** When the failure was committed as seen: the earliest unhealthy observation of it after t0. */
    static long detectedAt(ClusterState s, int primary, long t0) {
        return s.getObservationsList().stream()
                .filter(o -> o.getSubject() == primary && o.getAtMs() >= t0
                        && (o.getHealth() == Health.NOT_RUNNING || o.getHealth() == Health.UNREACHABLE))
                .mapToLong(Observation::getAtMs).min().orElse(t0);
    }

    static long eventAt(ClusterState s, long epoch, String text) {
        Optional<Event> e = s.getEventsList().stream().filter(ev -> ev.getEpoch() == epoch && ev.getMessage().contains(text))
                .findFirst();
        return e.map(Event::getAtMs).orElseThrow(() -> new IllegalStateException("no event '" + text + "' at epoch " + epoch));
    }

    static void execute(LocalCluster cluster, String sql) throws SQLException {
        int primary = cluster.state().orElseThrow().getPrimary().getNodeId();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(primary)); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Opens a new connection through the proxy every 50 ms and writes one row; remembers successes. */
    static final class Client implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong lastSuccess = new AtomicLong();
        /** Failed attempts (connect or write) since the fault. */
        final java.util.concurrent.atomic.AtomicInteger errors = new java.util.concurrent.atomic.AtomicInteger();
        /** When its last write on the excluded (old) server and its first on another one after that ended. */
        final AtomicLong lastOldEndMs = new AtomicLong();
        final AtomicLong firstNewEndMs = new AtomicLong();
        private long lastEnd;
        private volatile int excludedPort = -1;
        private final String url;

        Client(String host, int port) {
            url = "jdbc:postgresql://" + host + ":" + port + "/postgres?user=postgres&connectTimeout=1&socketTimeout=2"
                    + "&sslmode=disable";
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            long end = next + Duration.ofMinutes(2).toNanos();
            while (!stop.get() && System.nanoTime() < end) {
                try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("insert into bench default values returning inet_server_port()")) {
                    rs.next();
                    long ended = System.currentTimeMillis();
                    if (rs.getInt(1) != excludedPort && excludedPort >= 0 && firstNewEndMs.get() == 0) {
                        firstNewEndMs.set(ended);
                        lastOldEndMs.set(lastEnd); // its last write before this one was on the old primary
                    }
                    lastEnd = ended;
                    if (rs.getInt(1) != excludedPort) {
                        // when it ended: a connection held through the failover started before the fault
                        lastSuccess.set(ended);
                    }
                } catch (SQLException e) {
                    errors.incrementAndGet();
                    // refused or failed during the failover: the next attempt comes 50 ms later
                }
                next += 50_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    RaftBench.pause(wait / 1_000_000);
                } else {
                    next = System.nanoTime();
                }
            }
        }

        void excludePort(int port) {
            excludedPort = port;
        }

        /** When the first successful write on another server than the excluded one ended, at or after {@code t}. */
        long awaitSuccessAfter(long t) {
            long deadline = System.nanoTime() + BUDGET.toNanos();
            while (System.nanoTime() < deadline) {
                long s = lastSuccess.get();
                if (s >= t && s > 0) {
                    return s;
                }
                RaftBench.pause(5);
            }
            throw new IllegalStateException("no successful write through the proxy within " + BUDGET.toSeconds() + " s");
        }
    }
}
