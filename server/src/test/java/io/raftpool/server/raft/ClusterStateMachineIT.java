package io.raftpool.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigLoader;
import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.BackendRole;
import io.raftpool.proto.BeginFailover;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.proto.Health;
import io.raftpool.proto.Observation;
import io.raftpool.proto.Operation;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.proto.ReportObservation;
import io.raftpool.server.leader.ClusterInit;
import io.raftpool.server.state.Transitions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three real Ratis servers over loopback, each with its own {@link ClusterStateMachine}:
 * node 0 with PostgreSQL (never started here), nodes 1 and 2 witnesses. Snapshots every 10
 * entries (the loader's minimum), so the log is purged soon and a lagging member must be
 * sent a snapshot. Election timeouts are generous so that a loaded machine does not make
 * leaders come and go in the middle of a test.
 */
class ClusterStateMachineIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");

    private Path dir;
    private ClusterConfig config;
    private final RaftNode[] nodes = new RaftNode[3];
    private final Recorder[] recorders = new Recorder[3];

    /** What one node's state machine told the agent. */
    static final class Recorder implements ClusterStateMachine.Listener {
        final List<AppliedState> applied = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void applied(AppliedState a) {
            applied.add(a);
        }

        List<Long> indexes() {
            synchronized (applied) {
                return applied.stream().map(AppliedState::index).toList();
            }
        }
    }

    @BeforeEach
    void startCluster() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "raftpool-csm-it");
        int[] ports = freePorts(7);
        String yaml = """
                cluster:
                  name: csm-it
                raft:
                  election_timeout_min: 600ms
                  election_timeout_max: 1200ms
                  snapshot_every: 10
                failover:
                  fence_timeout: 2s
                nodes:
                  - id: 0
                    name: n0
                    host: 127.0.0.1
                    raft_port: %d
                    admin_port: %d
                    agent_dir: %s/n0
                    postgres: { port: %d, data_dir: %s/pg0 }
                  - id: 1
                    name: n1
                    host: 127.0.0.1
                    raft_port: %d
                    admin_port: %d
                    agent_dir: %s/n1
                    witness: true
                  - id: 2
                    name: n2
                    host: 127.0.0.1
                    raft_port: %d
                    admin_port: %d
                    agent_dir: %s/n2
                    witness: true
                """.formatted(ports[0], ports[1], dir, ports[2], dir, ports[3], ports[4], dir, ports[5], ports[6], dir);
        config = ConfigLoader.parse(yaml, dir.resolve("raftpool.yaml"));
        for (int i = 0; i < 3; i++) {
            start(i);
        }
    }

    @AfterEach
    void stopCluster() throws IOException {
        try {
            for (int i = 0; i < 3; i++) {
                stop(i);
            }
        } finally {
            if (dir != null) {
                try (Stream<Path> all = Files.walk(dir)) {
                    all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private void start(int i) throws IOException {
        recorders[i] = new Recorder();
        nodes[i] = new RaftNode(config, i, new ClusterStateMachine(recorders[i]));
        nodes[i].start();
    }

    private void stop(int i) throws IOException {
        if (nodes[i] != null) {
            RaftNode n = nodes[i];
            nodes[i] = null;
            n.close();
        }
    }

    // ---------------------------------------------------------------------------------------

    @Test
    void commandsSubmittedThroughAnyNodeAreAppliedIdenticallyOnAll() throws Exception {
        RaftNode leader = awaitLeader();
        assertThat(Stream.of(nodes).filter(RaftNode::isLeaderReady)).containsExactly(leader);

        long initIndex = submit(1, init());
        submit(2, report(1, 0, Health.HEALTHY));
        submit(0, report(0, 0, Health.HEALTHY));
        long last = submit(leader.nodeId(), event("from the leader"));

        assertThat(last).isGreaterThan(initIndex);
        ClusterState expected = awaitSameStateEverywhere(last);
        assertThat(expected.getNodesCount()).isEqualTo(3);
        assertThat(expected.getPrimary().getPhase()).as("bootstrap ended by node 0's own report")
                .isEqualTo(PrimaryPhase.ACTIVE);
        assertThat(expected.getObservationsCount()).isEqualTo(2);
        assertThat(expected.getEvents(expected.getEventsCount() - 1).getMessage()).isEqualTo("from the leader");
        for (Recorder r : recorders) {
            List<Long> indexes = r.indexes();
            assertThat(indexes).as("applied in log order").isSorted();
            assertThat(r.applied.get(r.applied.size() - 1).state()).isEqualTo(expected);
        }
    }

    @Test
    void aCommandThatDoesNotFitIsRefusedWithTheReasonAndChangesNothing() throws Exception {
        awaitLeader();
        long index = submit(0, init());
        ClusterState before = awaitSameStateEverywhere(index);

        Command stale = Command.newBuilder().setIssuedMs(2).setIssuer(1).setBeginFailover(BeginFailover.newBuilder()
                .setKind(Operation.Kind.FAILOVER).setNewEpoch(5).setTarget(0).setOldPrimary(0).setReason("test")).build();

        assertThatThrownBy(() -> nodes[1].submit(stale).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CommandRefusedException.class)
                .hasMessageEndingWith("refused: begin_failover: epoch 5 is not the next epoch (committed 1)");
        Command next = event("after the refusal");
        long after = submit(2, next);
        assertThat(awaitSameStateEverywhere(after)).as("the refused command left no trace")
                .isEqualTo(Transitions.apply(before, next));
    }

    /**
     * Two resumes race: both fit the state when the leader takes them, only the first still fits
     * when applied. The second must be reported refused, not committed: an agent acted on such a
     * "success" once (a restart of an old primary logged after a failover had begun: S6).
     */
    @Test
    void aCommandThatNoLongerFitsWhenAppliedIsReportedRefused() throws Exception {
        awaitLeader();
        awaitSameStateEverywhere(submit(0, init()));
        for (int round = 0; round < 10; round++) {
            submit(0, maintenance(true));
            List<java.util.concurrent.CompletableFuture<Long>> resumes = List.of(nodes[1].submit(maintenance(false)),
                    nodes[2].submit(maintenance(false)));
            int tookEffect = 0;
            for (java.util.concurrent.CompletableFuture<Long> f : resumes) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                    tookEffect++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(CommandRefusedException.class)
                            .hasMessageContaining("the cluster is not paused");
                }
            }
            assertThat(tookEffect).as("round %d: exactly one resume is reported done", round).isEqualTo(1);
        }
    }

    private static Command maintenance(boolean pause) {
        return Command.newBuilder().setIssuedMs(3).setIssuer(0).setSetMaintenance(io.raftpool.proto.SetMaintenance
                .newBuilder().setPause(pause).setBy("test")).build();
    }

    @Test
    void aSnapshotReloadsIntoAFreshStateMachineWithItsStateAndIndex() throws Exception {
        awaitLeader();
        long index = submit(0, init());
        index = submit(1, report(1, 0, Health.UNREACHABLE));
        ClusterState state = awaitSameStateEverywhere(index);
        ClusterStateMachine sm = nodes[2].stateMachine();

        long snapshotIndex = sm.takeSnapshot();

        assertThat(snapshotIndex).isGreaterThanOrEqualTo(index);
        assertThat(sm.getLatestSnapshot().getIndex()).as("the storage names it as the latest").isEqualTo(snapshotIndex);
        assertThat(snapshotFiles(2)).contains(snapshotIndex);
        stop(2); // Ratis may take one more snapshot as it stops (of the same state)
        long latest = snapshotFiles(2).get(snapshotFiles(2).size() - 1);
        start(2);
        await().atMost(WAIT).until(() -> !recorders[2].applied.isEmpty());
        AppliedState reloaded = recorders[2].applied.get(0);
        assertThat(reloaded.index()).as("the first state of the fresh machine is the snapshot's").isEqualTo(latest);
        assertThat(reloaded.state()).isEqualTo(state);
        assertThat(nodes[2].stateMachine().getLastAppliedTermIndex().getIndex()).isGreaterThanOrEqualTo(latest);
    }

    @Test
    void aRestartedNodeRecoversItsStateFromItsOwnStorageAndCatchesUp() throws Exception {
        RaftNode leader = awaitLeader();
        long index = submit(0, init());
        for (int i = 0; i < 4; i++) {
            index = submit(i % 3, event("before the restart " + i));
        }
        ClusterState before = awaitSameStateEverywhere(index);
        int restarted = followerOf(leader);
        int other = 3 - restarted - leader.nodeId();

        stop(restarted);
        long whileDown = submit(other, event("while it was down"));
        start(restarted);

        ClusterState state = awaitSameStateEverywhere(whileDown);
        assertThat(state.getEventsList()).extracting(Event::getMessage).contains("before the restart 3", "while it was down");
        long stoppedAt = index;
        assertThat(recorders[restarted].applied.get(0).index()).as("started from its own storage, not from zero")
                .isLessThanOrEqualTo(stoppedAt + 1);
        assertThat(recorders[restarted].applied).as("recovered the state it had when it stopped")
                .anySatisfy(a -> {
                    assertThat(a.index()).isBetween(stoppedAt, whileDown - 1);
                    assertThat(a.state()).isEqualTo(before);
                });
    }

    @Test
    void aLaggingNodeIsSentASnapshotWhenTheLogItMissedWasPurged() throws Exception {
        RaftNode leader = awaitLeader();
        long index = submit(0, init());
        for (int i = 0; i < 12; i++) {
            index = submit(leader.nodeId(), event("round one " + i));
        }
        awaitSameStateEverywhere(index);
        int lagging = followerOf(leader);
        await().atMost(WAIT).until(() -> !snapshotFiles(lagging).isEmpty());
        long stoppedAt = nodes[lagging].stateMachine().getLastAppliedTermIndex().getIndex();

        stop(lagging);
        long ownSnapshot = snapshotFiles(lagging).get(snapshotFiles(lagging).size() - 1);
        for (int i = 0; i < 12; i++) {
            index = submit(leader.nodeId(), event("round two " + i));
        }
        // Only closed log segments are purged, and a segment closes at 8 MB or at a new term:
        // restart the leader so that the entries the lagging node missed end up in one.
        int restarted = leader.nodeId();
        stop(restarted);
        start(restarted);
        RaftNode next = awaitLeader();
        for (int i = 0; i < 12; i++) {
            index = submit(next.nodeId(), event("round three " + i));
        }
        for (int i = 0; i < 3; i++) {
            int n = i;
            if (n != lagging) {
                await().atMost(WAIT).until(() -> startIndexOfLog(n) > stoppedAt + 1);
            }
        }
        start(lagging);

        ClusterState state = awaitSameStateEverywhere(index);
        assertThat(state.getEventsList()).extracting(Event::getMessage).contains("round two 11", "round three 11");
        List<Long> applied = recorders[lagging].indexes();
        assertThat(applied.get(0)).as("restarted from its own snapshot").isEqualTo(ownSnapshot);
        assertThat(applied.get(1)).as("then jumped past the purged log to an installed snapshot")
                .isGreaterThan(stoppedAt + 20);
    }

    @Test
    void whenTheLeaderGoesANewOneTakesOverWithTheCommittedStateAndRefusesTheOldTerm() throws Exception {
        RaftNode old = awaitLeader();
        long oldTerm = old.term();
        long index = submit(0, init());
        index = submit(1, report(2, 0, Health.HEALTHY));
        ClusterState committed = awaitSameStateEverywhere(index);
        int oldId = old.nodeId();

        stop(oldId);

        RaftNode next = awaitLeader();
        assertThat(next.nodeId()).isNotEqualTo(oldId);
        assertThat(next.term()).isGreaterThan(oldTerm);
        for (RaftNode n : nodes) {
            if (n != null) {
                assertThat(n.stateMachine().current().state()).isEqualTo(committed);
            }
        }
        Command stamped = event("decided by the old leader").toBuilder().setTerm(oldTerm).build();
        int survivor = next.nodeId();
        assertThatThrownBy(() -> nodes[survivor].submit(stamped).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(CommandRefusedException.class)
                .hasMessageContaining("decided at term " + oldTerm + " but this leader's term is " + next.term());
        Command current = event("decided by the new leader").toBuilder().setTerm(next.term()).build();
        long after = submit(survivor, current);
        await().atMost(WAIT).untilAsserted(() -> {
            for (RaftNode n : nodes) {
                if (n != null) {
                    assertThat(n.stateMachine().current().index()).isGreaterThanOrEqualTo(after);
                    assertThat(n.stateMachine().current().state()).isEqualTo(Transitions.apply(committed, current));
                }
            }
        });
    }

    // ---------------------------------------------------------------------------------------

    private RaftNode awaitLeader() {
        return await().atMost(WAIT).until(
                () -> Stream.of(nodes).filter(n -> n != null && n.isLeaderReady()).findFirst().orElse(null),
                n -> n != null);
    }

    private int followerOf(RaftNode leader) {
        return (leader.nodeId() + 1) % 3;
    }

    private long submit(int via, Command c) throws Exception {
        return nodes[via].submit(c).get(15, TimeUnit.SECONDS);
    }

    /** Waits until every running node applied at least {@code index} and all hold the same state. */
    private ClusterState awaitSameStateEverywhere(long index) {
        return await().atMost(WAIT).until(() -> {
            ClusterState first = null;
            for (RaftNode n : nodes) {
                if (n == null) {
                    continue;
                }
                AppliedState a = n.stateMachine().current();
                if (a.index() < index || (first != null && !first.equals(a.state()))) {
                    return null;
                }
                first = a.state();
            }
            return first;
        }, s -> s != null);
    }

    private Command init() {
        return Command.newBuilder().setIssuedMs(1).setIssuer(0).setInitCluster(ClusterInit.fromConfig(config)).build();
    }

    private static Command report(int observer, int subject, Health h) {
        return Command.newBuilder().setIssuedMs(3).setIssuer(observer).setReport(ReportObservation.newBuilder()
                .setObservation(Observation.newBuilder().setObserver(observer).setSubject(subject).setHealth(h)
                        .setRole(h == Health.HEALTHY ? BackendRole.PRIMARY : BackendRole.ROLE_UNKNOWN).setTimeline(1)
                        .setAtMs(3).setDetail("test"))).build();
    }

    private static Command event(String message) {
        return Command.newBuilder().setIssuedMs(4).setIssuer(0).setAppendEvent(AppendEvent.newBuilder()
                .setEvent(Event.newBuilder().setKind("test").setMessage(message))).build();
    }

    /** Indexes of the snapshot files in this node's state machine directory. */
    private List<Long> snapshotFiles(int node) throws IOException {
        Path root = config.requireNode(node).agentDir().resolve("raft");
        try (Stream<Path> all = Files.walk(root)) {
            return all.map(p -> SNAPSHOT.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Long.parseLong(m.group(2)))
                    .sorted()
                    .toList();
        }
    }

    /** The first index still in this node's log (from its segment file names: log_START-END, log_inprogress_START). */
    private long startIndexOfLog(int node) throws IOException {
        Path root = config.requireNode(node).agentDir().resolve("raft");
        Pattern segment = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-\\d+)?");
        try (Stream<Path> all = Files.walk(root)) {
            return all.map(p -> segment.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToLong(m -> Long.parseLong(m.group(1)))
                    .min().orElse(-1);
        }
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}
