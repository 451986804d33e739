package io.raftpool.harness.bench;

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
 * Failover time as a client sees it: from the primary's failure to the first successful write
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

    record Run(double totalMs, double detectionMs, double decisionMs, double promotionMs, double reroutingMs) {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String fault = args.length > 1 ? args[1] : "stop";
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().name("failbench").proxies(true))) {
            cluster.awaitHealthy(Duration.ofSeconds(120));
            execute(cluster, "create table if not exists bench (at timestamptz default now())");
            List<Run> results = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                Run r = once(cluster, fault);
                results.add(r);
                System.out.printf("  run %2d: %s failover %.0f ms = detection %.0f + decision %.0f + promotion %.0f"
                        + " + rerouting %.0f%n", i + 1, fault, r.totalMs, r.detectionMs, r.decisionMs, r.promotionMs,
                        r.reroutingMs);
            }
            System.out.println("failover (" + fault + "), time to the first write through the proxy: "
                    + Stats.of(results.stream().map(Run::totalMs).toList()));
            System.out.println("  detection: " + Stats.of(results.stream().map(Run::detectionMs).toList()));
            System.out.println("  decision:  " + Stats.of(results.stream().map(Run::decisionMs).toList()));
            System.out.println("  promotion: " + Stats.of(results.stream().map(Run::promotionMs).toList()));
            System.out.println("  rerouting: " + Stats.of(results.stream().map(Run::reroutingMs).toList()));
        }
    }

    static Run once(LocalCluster cluster, String fault) throws Exception {
        ClusterState before = cluster.awaitHealthy(BUDGET);
        int primary = before.getPrimary().getNodeId();
        long epoch = before.getPrimary().getEpoch();
        int witness = cluster.config().nodes().stream().filter(n -> n.witness()).findFirst().orElseThrow().id();
        int port = cluster.config().requireNode(witness).proxy().orElseThrow().rwPort();
        Client client = new Client(port);
        Thread thread = new Thread(client, "bench-client");
        thread.start();
        try {
            client.awaitSuccessAfter(0);
            // a write that a dying old primary still took (its backends outlive a SIGKILLed
            // postmaster for a moment) is no failover: count only writes the new primary took
            client.excludePort(cluster.config().requireNode(primary).requirePostgres().port());
            long postmaster = cluster.postgres(primary).postmasterPid().orElseThrow();
            long t0 = System.currentTimeMillis();
            switch (fault) {
                case "node" -> {
                    cluster.agent(primary).kill();
                    cluster.postgres(primary).kill();
                }
                case "hang-postmaster" -> Signals.send(postmaster, "STOP");
                case "hang-agent" -> cluster.agent(primary).signal("STOP");
                case "hang-node" -> {
                    cluster.agent(primary).signal("STOP");
                    Signals.send(postmaster, "STOP");
                }
                case "kill-postmaster" -> Signals.send(postmaster, "KILL");
                default -> cluster.postgres(primary).stop(StopMode.IMMEDIATE, BUDGET);
            }
            long firstWrite = client.awaitSuccessAfter(t0);
            ClusterState after = cluster.awaitState("promotion committed", BUDGET,
                    st -> st.getPrimary().getEpoch() == epoch + 1 && st.getPrimary().getPhase() == PrimaryPhase.ACTIVE);
            long begun = eventAt(after, epoch + 1, "failover begins");
            // a later observation by the same observer replaces the first one: never after the decision
            long detected = Math.min(detectedAt(after, primary, t0), begun);
            long promoted = eventAt(after, epoch + 1, "is primary at epoch");
            return new Run(firstWrite - t0, detected - t0, begun - detected, promoted - begun, firstWrite - promoted);
        } finally {
            client.stop.set(true);
            thread.join(5000);
            if (fault.equals("node")) {
                cluster.agent(primary).start();
            }
            if (fault.startsWith("hang-") && !fault.equals("hang-postmaster")) {
                cluster.agent(primary).signal("CONT"); // its server was killed by the watchdog: nothing else to wake
            }
            ActionReply r = cluster.admin().recoverNode(NodeRequest.newBuilder().setNodeId(primary).setWait(true)
                    .setTimeoutMs(BUDGET.toMillis()).build());
            if (!r.getAccepted()) {
                throw new IllegalStateException("cannot rebuild node " + primary + ": " + r.getMessage());
            }
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
        private volatile int excludedPort = -1;
        private final String url;

        Client(int port) {
            url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&connectTimeout=1&socketTimeout=2"
                    + "&sslmode=disable";
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            long end = next + Duration.ofMinutes(2).toNanos();
            while (!stop.get() && System.nanoTime() < end) {
                long started = System.currentTimeMillis();
                try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("insert into bench default values returning inet_server_port()")) {
                    rs.next();
                    if (rs.getInt(1) != excludedPort) {
                        lastSuccess.set(started);
                    }
                } catch (SQLException e) {
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

        /** The start time of the first successful write that began at or after {@code t}. */
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
