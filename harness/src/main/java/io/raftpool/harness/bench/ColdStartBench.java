package io.raftpool.harness.bench;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigLoader;
import io.raftpool.harness.FreePorts;
import io.raftpool.harness.ManagedProcess;
import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.RaftInfo;
import io.raftpool.server.leader.ClusterInit;
import io.raftpool.server.raft.ClusterStateMachine;
import io.raftpool.server.raft.MemberGrowth;
import io.raftpool.server.raft.MemberStart;
import io.raftpool.server.raft.RaftNode;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Cold starts of a Raft group under CPU pressure: how often a member is left unable to follow
 * the leader's log (see {@code server.raft.MemberStart}). Each round starts three JVMs at once,
 * each running one Raft member (no agent, no PostgreSQL) of a fresh group; member 0 submits one
 * command; the round is good when all three have applied it within 25 s. Busy threads in this
 * process load the CPUs meanwhile; short election timeouts make elections collide.
 *
 * <p>{@code grown} (how agents start): member 0 forms the group alone, members 1 and 2 join as
 * listeners, and member 0 makes each a voter once it has caught up ({@code MemberGrowth}); the
 * members publish their Raft view in files where agents answer over their admin API.
 * {@code together} (as raftpool did before): a static group of three voters that all campaign.
 *
 * <p>Usage: {@code java -cp cli/target/raftpool.jar io.raftpool.harness.bench.ColdStartBench
 * [rounds] [busy threads] [election min|default] [election max|default] [grown|together] [jvm|inprocess]};
 * {@code inprocess} runs the three members in this JVM (no JVM start per member: about ten times
 * as many rounds in the same time, the busy threads still competing with them).
 */
public final class ColdStartBench {
    private static final Pattern SUBMITTED = Pattern.compile("submitted (\\d+)");
    private static final Pattern APPLIED = Pattern.compile("applied (\\d+)");
    private static final long ROUND_LIMIT_MS = 25_000;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("member")) {
            member(Path.of(args[1]), Integer.parseInt(args[2]), args[3].equals("together"));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int busy = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String min = args.length > 2 ? args[2] : "50ms";
        String max = args.length > 3 ? args[3] : "100ms";
        boolean together = args.length > 4 && args[4].equals("together");
        if (args.length > 4 && !args[4].equals("together") && !args[4].equals("grown")) {
            System.err.println("the fifth argument is grown or together, not " + args[4]);
            System.exit(2);
        }
        boolean inProcess = args.length > 5 && args[5].equals("inprocess");
        if (args.length > 5 && !inProcess && !args[5].equals("jvm")) {
            System.err.println("the sixth argument is jvm or inprocess, not " + args[5]);
            System.exit(2);
        }
        AtomicBoolean burn = new AtomicBoolean(true);
        for (int i = 0; i < busy; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (burn.get()) {
                    x += System.nanoTime() & 7;
                }
            }, "busy-" + i);
            t.setDaemon(true);
            t.start();
        }
        System.out.printf("%d cold starts of 3 members (%s), %d busy threads, election timeouts %s-%s, %s%n",
                rounds, inProcess ? "in this JVM" : "a JVM each", busy, min, max,
                together ? "a static group, all campaigning (as before)" : "formed by member 0, the others grown in");
        List<Double> goodMs = new ArrayList<>();
        int stuck = 0;
        for (int r = 0; r < rounds; r++) {
            OptionalLong ms = inProcess ? InProcessColdStart.round(min, max, together, ROUND_LIMIT_MS) : round(min, max, together);
            if (ms.isPresent()) {
                goodMs.add((double) ms.getAsLong());
            } else {
                stuck++;
            }
            System.out.printf("round %d: %s%n", r + 1, ms.isPresent() ? "all applied in " + ms.getAsLong() + " ms"
                    : "a member never applied the command within " + ROUND_LIMIT_MS / 1000 + " s");
        }
        burn.set(false);
        System.out.printf("rounds with a member that never applied: %d of %d; time to all applied: %s%n",
                stuck, rounds, goodMs.isEmpty() ? "-" : Stats.of(goodMs));
        if (stuck > 0) {
            System.exit(1);
        }
    }

    /** One cold start; the time until every member applied member 0's command, empty when one never did. */
    private static OptionalLong round(String min, String max, boolean together) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "raftpool-coldstart-");
        List<Process> members = new ArrayList<>();
        try {
            writeConfig(dir, min, max);
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                List<String> cmd = new ArrayList<>(ManagedProcess.javaCommand(ColdStartBench.class.getName(),
                        List.of("member", dir.toString(), Integer.toString(i), together ? "together" : "grown"), "128m", false));
                members.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("member-" + i + ".out").toFile()).start());
            }
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(ROUND_LIMIT_MS)) {
                if (allApplied(dir) && (together || read(dir.resolve("member-0.out")).contains("voters [0, 1, 2]"))) {
                    return OptionalLong.of((System.nanoTime() - start) / 1_000_000);
                }
                Thread.sleep(20);
            }
            return OptionalLong.empty();
        } finally {
            for (Process p : members) {
                p.destroyForcibly().waitFor();
            }
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        }
    }

    /** A fresh 3-member group's config in {@code dir}; {@code min}/{@code max} "default" leave the config's defaults. */
    static void writeConfig(Path dir, String min, String max) throws IOException {
        List<Integer> ports = FreePorts.take(6);
        String raft = min.equals("default") ? "" : """
                raft:
                  election_timeout_min: %s
                  election_timeout_max: %s
                """.formatted(min, max);
        Files.writeString(dir.resolve("raftpool.yaml"), """
                cluster:
                  name: coldstart
                %snodes:
                  - { id: 0, name: m0, host: 127.0.0.1, raft_port: %d, admin_port: %d, agent_dir: %s/m0,
                      postgres: { port: 1, data_dir: %s/pg } }
                  - { id: 1, name: m1, host: 127.0.0.1, raft_port: %d, admin_port: %d, agent_dir: %s/m1, witness: true }
                  - { id: 2, name: m2, host: 127.0.0.1, raft_port: %d, admin_port: %d, agent_dir: %s/m2, witness: true }
                """.formatted(raft, ports.get(0), ports.get(1), dir, dir, ports.get(2), ports.get(3), dir,
                ports.get(4), ports.get(5), dir));
    }

    /** The start each member makes: grown, as agents do; together, a static group of voters (as before). */
    static MemberStart startOf(int id, boolean together) {
        return together ? new MemberStart.Join(List.of(0, 1, 2), List.of(), true)
                : id == 0 ? new MemberStart.FormAlone() : new MemberStart.Join(List.of(0), List.of(), false);
    }

    /** Member 0's growth step, as the leader's MemberGrowthDuty takes it; true when it changed the configuration. */
    static boolean grow(RaftNode leader, List<NodeInfo> nodes, Map<Integer, RaftInfo> answers, List<Integer> promoting)
            throws IOException {
        if (!leader.isLeaderReady() || leader.configurationChanging()) {
            return false;
        }
        var change = MemberGrowth.next(List.of(0, 1, 2), leader.members(), leader.listeners(), answers,
                leader.info().getLastAppliedIndex(), promoting);
        if (change.isEmpty()) {
            return false;
        }
        leader.setConfiguration(pick(nodes, change.get().voters()), pick(nodes, change.get().listeners()));
        promoting.clear();
        promoting.addAll(change.get().promoting());
        return true;
    }

    private static boolean allApplied(Path dir) throws IOException {
        var submitted = SUBMITTED.matcher(read(dir.resolve("member-0.out")));
        if (!submitted.find()) {
            return false;
        }
        long index = Long.parseLong(submitted.group(1));
        for (int i = 0; i < 3; i++) {
            if (APPLIED.matcher(read(dir.resolve("member-" + i + ".out"))).results()
                    .noneMatch(m -> Long.parseLong(m.group(1)) >= index)) {
                return false;
            }
        }
        return true;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    /**
     * A member process: one Raft member. Member 0 submits a command once a leader takes it
     * and, grown, adds the others as they publish their view; they publish it every 20 ms.
     */
    private static void member(Path dir, int id, boolean together) throws Exception {
        ClusterConfig config = ConfigLoader.load(dir.resolve("raftpool.yaml"));
        MemberStart start = startOf(id, together);
        RaftNode node = new RaftNode(config, id, new ClusterStateMachine(a -> System.out.println("applied " + a.index())),
                Optional.empty(), start);
        node.start();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROUND_LIMIT_MS + 5_000);
        if (id != 0) {
            while (System.nanoTime() < end) {
                Path tmp = dir.resolve("member-" + id + ".info.tmp");
                Files.write(tmp, node.raftInfo(-1).toByteArray());
                Files.move(tmp, dir.resolve("member-" + id + ".info"), StandardCopyOption.ATOMIC_MOVE);
                Thread.sleep(20);
            }
            System.exit(0);
        }
        Command c = Command.newBuilder().setIssuedMs(System.currentTimeMillis()).setIssuer(0)
                .setAppendEvent(AppendEvent.newBuilder().setEvent(Event.newBuilder().setKind("bench").setMessage("cold start")))
                .build();
        System.out.println("submitted " + node.submit(c).get(ROUND_LIMIT_MS, TimeUnit.MILLISECONDS));
        List<NodeInfo> nodes = config.nodes().stream().map(ClusterInit::nodeInfo).toList();
        List<Integer> promoting = new java.util.ArrayList<>();
        while (!together && System.nanoTime() < end) {
            Map<Integer, RaftInfo> answers = new HashMap<>();
            for (int other = 1; other < 3; other++) {
                Path info = dir.resolve("member-" + other + ".info");
                if (Files.exists(info)) {
                    answers.put(other, RaftInfo.parseFrom(Files.readAllBytes(info)));
                }
            }
            if (grow(node, nodes, answers, promoting)) {
                System.out.println("configuration voters " + node.members() + " listeners " + node.listeners());
            }
            Thread.sleep(20);
        }
        Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
        System.exit(0);
    }

    static List<NodeInfo> pick(List<NodeInfo> nodes, List<Integer> ids) {
        return nodes.stream().filter(n -> ids.contains(n.getId())).toList();
    }
}
