package io.raftpool.harness.bench;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigLoader;
import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.proto.NodeInfo;
import io.raftpool.server.leader.ClusterInit;
import io.raftpool.server.raft.ClusterStateMachine;
import io.raftpool.server.raft.RaftNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One cold start of {@link ColdStartBench} with the three members in this JVM: they start at
 * once on their own threads, member 0 submits a command and (grown) grows the group; the round
 * is good when all three applied the command (and, grown, all three vote).
 */
final class InProcessColdStart {
    private InProcessColdStart() {}

    static OptionalLong round(String min, String max, boolean together, long limitMs) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "raftpool-coldstart-");
        List<RaftNode> nodes = new ArrayList<>();
        try {
            ColdStartBench.writeConfig(dir, min, max);
            ClusterConfig config = ConfigLoader.load(dir.resolve("raftpool.yaml"));
            AtomicLongArray applied = new AtomicLongArray(new long[] {-1, -1, -1});
            long start = System.nanoTime();
            List<CompletableFuture<RaftNode>> starting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int id = i;
                starting.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        RaftNode n = new RaftNode(config, id, new ClusterStateMachine(a -> applied.accumulateAndGet(id, a.index(),
                                Math::max)), Optional.empty(), ColdStartBench.startOf(id, together));
                        n.start();
                        return n;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            for (CompletableFuture<RaftNode> f : starting) {
                nodes.add(f.join());
            }
            RaftNode leader = nodes.get(0);
            Command c = Command.newBuilder().setIssuedMs(System.currentTimeMillis()).setIssuer(0)
                    .setAppendEvent(AppendEvent.newBuilder().setEvent(Event.newBuilder().setKind("bench").setMessage("cold start")))
                    .build();
            CompletableFuture<Long> submitted = leader.submit(c);
            List<NodeInfo> infos = config.nodes().stream().map(ClusterInit::nodeInfo).toList();
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(limitMs);
            List<Integer> promoting = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                if (!together) {
                    ColdStartBench.grow(leader, infos, Map.of(1, nodes.get(1).raftInfo(-1), 2, nodes.get(2).raftInfo(-1)),
                            promoting);
                }
                if (submitted.isCompletedExceptionally()) {
                    submitted = leader.submit(c); // no leader yet within the client's retries: ask again
                } else if (submitted.isDone()) {
                    long index = submitted.join();
                    boolean all = applied.get(0) >= index && applied.get(1) >= index && applied.get(2) >= index;
                    if (all && (together || leader.members().equals(List.of(0, 1, 2)))) {
                        return OptionalLong.of((System.nanoTime() - start) / 1_000_000);
                    }
                }
                Thread.sleep(20);
            }
            return OptionalLong.empty();
        } finally {
            for (RaftNode n : nodes) {
                try {
                    n.close();
                } catch (IOException | RuntimeException e) {
                    // the round is over either way
                }
            }
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        }
    }
}
