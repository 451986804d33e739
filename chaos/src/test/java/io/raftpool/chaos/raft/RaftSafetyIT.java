package io.raftpool.chaos.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.api.AdminClient;
import io.raftpool.chaos.checker.RaftLogChecker;
import io.raftpool.chaos.checker.RaftLogChecker.Outcome;
import io.raftpool.chaos.checker.RaftLogChecker.Report;
import io.raftpool.chaos.checker.RaftLogChecker.Sent;
import io.raftpool.chaos.checker.Validity;
import io.raftpool.chaos.checker.Verdict;
import io.raftpool.config.NodeConfig;
import io.raftpool.harness.ClusterOptions;
import io.raftpool.harness.LocalCluster;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.Event;
import io.raftpool.proto.NoteRequest;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import io.raftpool.server.UnsafeSwitches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Raft's guarantees with real agents: one client commits numbered notes as fast as it can while
 * agents are paused (SIGSTOP), killed (-9) and restarted, a majority always left; every agent's
 * committed history is read all along. {@link RaftLogChecker} then requires every acknowledged
 * note in every agent's log, in order, no two histories, nothing going backwards.
 *
 * <p>The schedule is the one that loses entries when a member forgets its log: while C is
 * paused, notes commit on the leader L and B; B is killed and restarted; L is killed and C
 * resumed, so B and C must elect a leader. With B's log intact, only B can win and nothing is
 * lost. With {@link UnsafeSwitches#WIPE_RAFT_ON_RESTART} (a member that wipes its log on
 * restart, the old automatic "repair"), B votes for C, whose log lacks those notes:
 * {@link RaftSafetyBrokenBuildIT} requires the checker to find that (a class of its own, so
 * that the two runs of a minute each can run at the same time).
 */
class RaftSafetyIT {
    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static final Duration SETTLED = Duration.ofSeconds(5);
    /** The committed event history keeps 200 events; the notes and the cluster's own events must fit. */
    private static final int MAX_NOTES = 110;

    @Test
    void acknowledgedCommandsSurviveKillsPausesAndRestarts() throws Exception {
        Verdict v = run("raftsafe", false);
        assertThat(v.validity()).as(String.join("\n", v.reasons())).isEqualTo(Validity.VALID);
        assertThat(v.details()).as("every agent back in contact with the majority").containsEntry("all_in_contact", true);
        assertThat((Integer) v.details().get("acknowledged")).isGreaterThanOrEqualTo(25);
    }

    /** The run; {@code broken}: every agent wipes its Raft storage on restart. Also used by {@link RaftSafetyBrokenBuildIT}. */
    static Verdict run(String name, boolean broken) throws Exception {
        ClusterOptions options = LocalCluster.options().name(name).proxies(false);
        if (broken) {
            options = options.processPrefix(n -> List.of("env", "JAVA_TOOL_OPTIONS=-D" + UnsafeSwitches.WIPE_RAFT_ON_RESTART
                    + "=true"));
        }
        try (LocalCluster cluster = LocalCluster.start(options)) {
            cluster.awaitHealthy(Duration.ofSeconds(120));
            await("three voters", () -> cluster.config().nodes().stream().allMatch(n -> voters(n) == 3));
            List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
            List<Report> reports = Collections.synchronizedList(new ArrayList<>());
            Map<Integer, Integer> generation = new ConcurrentHashMap<>();
            cluster.config().nodes().forEach(n -> generation.put(n.id(), 0));
            AtomicBoolean stop = new AtomicBoolean();
            Thread client = new Thread(() -> writeNotes(cluster, name, sent, stop), "notes");
            Thread observer = new Thread(() -> observe(cluster, generation, reports, stop), "observer");
            client.start();
            observer.start();
            try {
                int l = leader(cluster);
                List<Integer> others = cluster.config().nodes().stream().map(NodeConfig::id).filter(id -> id != l).toList();
                int b = others.get(0);
                int c = others.get(1);
                awaitAcked(sent, 10, BUDGET);
                cluster.agent(c).signal("STOP");
                awaitAcked(sent, acked(sent) + 10, BUDGET);
                cluster.agent(b).kill();
                generation.merge(b, 1, Integer::sum);
                cluster.agent(b).start();
                await("agent " + b + " answering", () -> raftInfo(cluster.config().requireNode(b)) != null);
                awaitAcked(sent, acked(sent) + 5, Duration.ofSeconds(10));
                cluster.agent(l).kill();
                generation.merge(l, 1, Integer::sum);
                cluster.agent(c).signal("CONT");
                awaitAcked(sent, acked(sent) + 5, Duration.ofSeconds(30));
                cluster.agent(l).start();
                awaitAcked(sent, acked(sent) + 5, Duration.ofSeconds(30));
            } finally {
                stop.set(true);
                client.join();
                observer.join();
            }
            Map<Integer, List<String>> finals = awaitFinals(cluster);
            Verdict v = RaftLogChecker.check(List.copyOf(sent), List.copyOf(reports), finals);
            // liveness after the faults: every agent, restarted ones included, reaches the leader
            boolean inContact = broken || awaitTrue(() -> cluster.config().nodes().stream().allMatch(n -> {
                RaftInfo i = raftInfo(n);
                return i != null && i.getMajorityContactAgeMs() >= 0 && i.getMajorityContactAgeMs() < 2000;
            }));
            return new Verdict(v.checker(), v.validity(), v.reasons(), v.warnings(),
                    withDetail(v.details(), "all_in_contact", inContact), v.parts());
        }
    }

    /** One client, one note at a time, as fast as the cluster acknowledges them. */
    private static void writeNotes(LocalCluster cluster, String name, List<Sent> sent, AtomicBoolean stop) {
        List<String> addresses = cluster.config().nodes().stream().map(NodeConfig::adminAddress).toList();
        try (AdminClient admin = AdminClient.connect(addresses, Duration.ofSeconds(3))) {
            for (int i = 0; i < MAX_NOTES && !stop.get(); i++) {
                String text = name + "-" + i;
                Outcome outcome;
                try {
                    ActionReply r = admin.addNote(NoteRequest.newBuilder().setText(text).setTimeoutMs(2000).build());
                    outcome = r.getAccepted() ? Outcome.OK : Outcome.UNKNOWN;
                } catch (RuntimeException e) {
                    outcome = Outcome.UNKNOWN;
                }
                sent.add(new Sent(note(text), outcome));
            }
        }
    }

    private static String note(String text) {
        return "note from an operator: " + text;
    }

    /** Every agent's committed history, read every 100 ms. */
    private static void observe(LocalCluster cluster, Map<Integer, Integer> generation, List<Report> reports,
                                AtomicBoolean stop) {
        while (!stop.get()) {
            for (NodeConfig n : cluster.config().nodes()) {
                int gen = generation.get(n.id());
                StateView view = view(n);
                if (view != null && view.hasRaft() && view.getRaft().getAppliedIndex() >= 0) {
                    reports.add(new Report(n.id(), gen, view.getRaft().getAppliedIndex(),
                            view.getState().getPrimary().getEpoch(), entries(view)));
                }
            }
            sleep(100);
        }
    }

    private static Map<Long, String> entries(StateView view) {
        Map<Long, String> out = new HashMap<>();
        for (Event e : view.getState().getEventsList()) {
            out.put(e.getSeq(), e.getKind() + ": " + e.getMessage());
        }
        return out;
    }

    /** After the faults: each agent's note history once all hold the same number of events, or after a bound. */
    /**
     * Every agent's notes, once they agree, or once they have stopped changing for {@link #SETTLED}
     * (histories that differ for good, as a broken build's do, never agree).
     */
    private static Map<Integer, List<String>> awaitFinals(LocalCluster cluster) {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        Map<Integer, List<String>> finals = new HashMap<>();
        Map<Integer, List<String>> previous = Map.of();
        long unchangedSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            finals = new HashMap<>();
            for (NodeConfig n : cluster.config().nodes()) {
                StateView v = view(n);
                if (v != null) {
                    finals.put(n.id(), v.getState().getEventsList().stream().filter(e -> e.getKind().equals("note"))
                            .map(Event::getMessage).toList());
                }
            }
            boolean everyone = finals.size() == cluster.config().nodes().size();
            if (everyone && finals.values().stream().distinct().count() == 1) {
                return finals;
            }
            if (!finals.equals(previous)) {
                previous = finals;
                unchangedSince = System.nanoTime();
            } else if (everyone && System.nanoTime() - unchangedSince >= SETTLED.toNanos()) {
                return finals;
            }
            sleep(200);
        }
        return finals;
    }

    private static StateView view(NodeConfig n) {
        try (AdminClient one = AdminClient.connect(List.of(n.adminAddress()), Duration.ofSeconds(1))) {
            return one.getState();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static RaftInfo raftInfo(NodeConfig n) {
        try (AdminClient one = AdminClient.connect(List.of(n.adminAddress()), Duration.ofSeconds(1))) {
            return one.getRaftInfo(n.adminAddress());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int voters(NodeConfig n) {
        RaftInfo i = raftInfo(n);
        return i == null ? 0 : i.getVotersCount();
    }

    private static int leader(LocalCluster cluster) {
        for (NodeConfig n : cluster.config().nodes()) {
            RaftInfo i = raftInfo(n);
            if (i != null && "LEADER".equals(i.getRole())) {
                return n.id();
            }
        }
        throw new AssertionError("no raft leader");
    }

    private static int acked(List<Sent> sent) {
        synchronized (sent) {
            return (int) sent.stream().filter(s -> s.outcome() == Outcome.OK).count();
        }
    }

    /** Waits for {@code n} acknowledged notes, at most {@code limit}: a cluster without quorum just goes on. */
    private static void awaitAcked(List<Sent> sent, int n, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (acked(sent) < n && System.nanoTime() < deadline && sent.size() < MAX_NOTES) {
            sleep(50);
        }
    }

    private static Map<String, Object> withDetail(Map<String, Object> details, String key, Object value) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(details);
        out.put(key, value);
        return out;
    }

    private static boolean awaitTrue(BooleanSupplier done) {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return true;
            }
            sleep(200);
        }
        return false;
    }

    private static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            sleep(100);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
