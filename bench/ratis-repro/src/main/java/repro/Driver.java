package repro;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/**
 * N cold starts of a fresh 3-member Ratis group, one member per JVM, while busy threads in this
 * JVM load the CPUs. Each round submits one message and waits for all three members to apply it.
 * Usage: {@code Driver rounds busyThreads minMs maxMs [roundLimitSec] [memberStartGapMs]}.
 */
public final class Driver {
    private static final Pattern APPLIED = Pattern.compile("^applied (\\d+) term");
    private static final Pattern IDX0 = Pattern.compile("log=\\(t(\\d+),0\\)");
    private static final String VERSION = System.getProperty("ratis.version", "?");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int busy = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long min = args.length > 2 ? Long.parseLong(args[2]) : 50;
        long max = args.length > 3 ? Long.parseLong(args[3]) : 100;
        long limitMs = (args.length > 4 ? Long.parseLong(args[4]) : 20) * 1000;
        long gapMs = args.length > 5 ? Long.parseLong(args[5]) : 0;

        AtomicBoolean burn = new AtomicBoolean(true);
        for (int i = 0; i < busy; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (burn.get()) {
                    x += System.nanoTime() & 7;
                }
                if (x == 42) {
                    System.out.print("");
                }
            }, "busy-" + i);
            t.setDaemon(true);
            t.start();
        }
        System.out.printf("ratis %s: %d rounds, %d busy threads, election timeout %d-%d ms, limit %d s, start gap %d ms%n",
                VERSION, rounds, busy, min, max, limitMs / 1000, gapMs);
        Map<Outcome, Integer> counts = new TreeMap<>();
        int firstEntryReplaced = 0;
        List<Long> goodMs = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            Result res = round(r, min, max, limitMs, gapMs);
            counts.merge(res.outcome, 1, Integer::sum);
            if (res.outcome == Outcome.GOOD) {
                goodMs.add(res.ms);
            }
            if (res.replaced) {
                firstEntryReplaced++;
            }
        }
        burn.set(false);
        goodMs.sort(Comparator.naturalOrder());
        System.out.printf("ratis %s: stuck %d of %d rounds (good %d, median %s ms; slow without the stuck signature %d;"
                        + " no reply to the client %d; rounds where a member's index-0 entry was replaced: %d)%n",
                VERSION, counts.getOrDefault(Outcome.STUCK, 0), rounds, counts.getOrDefault(Outcome.GOOD, 0),
                goodMs.isEmpty() ? "-" : goodMs.get(goodMs.size() / 2).toString(),
                counts.getOrDefault(Outcome.SLOW, 0), counts.getOrDefault(Outcome.NO_REPLY, 0), firstEntryReplaced);
    }

    /**
     * GOOD: all three applied the message; STUCK: one did not, and it refused appends with "already exists"
     * (the suspected fault); SLOW: one did not, without that signature; NO_REPLY: the client got no reply.
     */
    enum Outcome { GOOD, STUCK, SLOW, NO_REPLY }

    record Result(Outcome outcome, long ms, boolean replaced) {
    }

    /** Reads what a member has appended to its output since the last call. */
    static final class Tail {
        final Path file;
        long offset;
        long maxApplied = -1;
        final TreeSet<Long> idx0Terms = new TreeSet<>();
        String lastStatus = "";
        int alreadyExists;
        private String partial = "";

        Tail(Path file) {
            this.file = file;
        }

        void poll() throws IOException {
            if (!Files.exists(file)) {
                return;
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = f.length();
                if (len <= offset) {
                    return;
                }
                byte[] b = new byte[(int) Math.min(len - offset, 16 << 20)];
                f.seek(offset);
                f.readFully(b);
                offset += b.length;
                String text = partial + new String(b, StandardCharsets.UTF_8);
                int end = text.lastIndexOf('\n');
                partial = end < 0 ? text : text.substring(end + 1);
                if (end < 0) {
                    return;
                }
                for (String line : text.substring(0, end).split("\n")) {
                    Matcher m = APPLIED.matcher(line);
                    if (m.find()) {
                        maxApplied = Math.max(maxApplied, Long.parseLong(m.group(1)));
                    } else if (line.contains("already exists (snapshotIndex")) {
                        alreadyExists++;
                    } else if (line.contains(" status ")) {
                        lastStatus = line;
                        Matcher t = IDX0.matcher(line);
                        if (t.find()) {
                            idx0Terms.add(Long.parseLong(t.group(1)));
                        }
                    }
                }
            }
        }
    }

    static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports.add(s.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    static Result round(int r, long min, long max, long limitMs, long gapMs) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "ratis-repro-");
        List<Process> members = new ArrayList<>();
        List<Tail> tails = new ArrayList<>();
        List<Integer> ports = freePorts(3);
        String portList = ports.get(0) + "," + ports.get(1) + "," + ports.get(2);
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        boolean trace = !"0".equals(System.getenv().getOrDefault("REPRO_TRACE", "1"));
        RaftClient client = null;
        long start = System.nanoTime();
        long index = -1;
        Outcome outcome = null;
        try {
            for (int i = 0; i < 3; i++) {
                List<String> cmd = new ArrayList<>(List.of("nice", "-n", "19", java, "-Xmx128m", "-cp", cp,
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                        "-Dorg.slf4j.simpleLogger.logFile=System.out",
                        "-Dorg.slf4j.simpleLogger.showDateTime=true",
                        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
                if (trace) {
                    // Heartbeats (with their previous entry and leader commit) and commit index changes.
                    cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.ratis.server.RaftServer$Division=trace");
                    cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.ratis.server.raftlog.RaftLog=trace");
                }
                cmd.addAll(List.of("repro.Member", Integer.toString(i), dir.resolve("m" + i).toString(), portList,
                        Long.toString(min), Long.toString(max)));
                Path out = dir.resolve("member-" + i + ".log");
                members.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start());
                tails.add(new Tail(out));
                if (gapMs > 0 && i < 2) {
                    Thread.sleep(gapMs);
                }
            }
            RaftProperties props = new RaftProperties();
            RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(3, TimeUnit.SECONDS));
            client = RaftClient.newBuilder().setProperties(props).setRaftGroup(Member.group(portList.split(",")))
                    .setRetryPolicy(RetryPolicies.retryForeverWithSleep(TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                    .build();
            CompletableFuture<RaftClientReply> reply = client.async().send(Message.valueOf("hello"));
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(limitMs);
            while (System.nanoTime() < deadline) {
                for (Tail t : tails) {
                    t.poll();
                }
                if (index < 0 && reply.isDone() && !reply.isCompletedExceptionally() && reply.get().isSuccess()) {
                    index = reply.get().getLogIndex();
                }
                if (index >= 0) {
                    final long ix = index;
                    if (tails.stream().allMatch(t -> t.maxApplied >= ix)) {
                        break;
                    }
                }
                Thread.sleep(100);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            final long ix = index;
            for (Tail t : tails) {
                t.poll();
            }
            boolean replaced = false;
            StringBuilder idx0 = new StringBuilder();
            StringBuilder lagging = new StringBuilder();
            boolean signature = false;
            for (int i = 0; i < 3; i++) {
                Tail t = tails.get(i);
                idx0.append(" m").append(i).append("=").append(t.idx0Terms);
                replaced |= t.idx0Terms.size() > 1;
                if (ix >= 0 && t.maxApplied < ix) {
                    lagging.append(" m").append(i);
                    signature |= t.alreadyExists > 0;
                }
            }
            String leader = leaderOf(tails);
            if (ix < 0) {
                outcome = Outcome.NO_REPLY;
                System.out.printf("round %d: no reply to the client within %d s (index-0 terms seen:%s)%n", r, limitMs / 1000, idx0);
            } else if (lagging.length() == 0) {
                outcome = Outcome.GOOD;
                System.out.printf("round %d: good, all applied index %d in %d ms (leader %s; index-0 terms seen:%s)%n",
                        r, ix, ms, leader, idx0);
            } else {
                outcome = signature ? Outcome.STUCK : Outcome.SLOW;
                System.out.printf("round %d: %s (message index %d not applied by%s within %d s; leader %s; index-0 terms seen:%s)%n",
                        r, signature ? "STUCK" : "slow, no 'already exists' refusals", ix, lagging, limitMs / 1000, leader, idx0);
            }
            return new Result(outcome, ix < 0 ? -1 : ms, replaced);
        } finally {
            for (Process p : members) {
                p.destroyForcibly();
            }
            for (Process p : members) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
            if (client != null) {
                try {
                    client.close();
                } catch (Exception e) {
                    // ignore
                }
            }
            if (outcome == Outcome.STUCK || outcome == Outcome.SLOW) {
                Path keep = Path.of("/tmp", "ratis-repro-" + (outcome == Outcome.STUCK ? "stuck-" : "slow-") + VERSION
                        + "-r" + r + "-" + System.currentTimeMillis());
                Files.move(dir, keep);
                evidence(keep, tails);
            } else if (outcome == Outcome.NO_REPLY || System.getenv("REPRO_KEEP") != null) {
                // Keep the logs (not the Raft storage) of rounds where no leader answered the client.
                Path keep = Path.of("/tmp", "ratis-repro-" + (outcome == Outcome.NO_REPLY ? "noreply-" : "round-") + VERSION
                        + "-r" + r + "-" + System.currentTimeMillis());
                Files.move(dir, keep);
                for (int i = 0; i < 3; i++) {
                    delete(keep.resolve("m" + i));
                }
                System.out.println("  logs kept in " + keep + "; last status:");
                for (Tail t : tails) {
                    System.out.println("     " + t.lastStatus.trim());
                }
            } else {
                delete(dir);
            }
        }
    }

    static String leaderOf(List<Tail> tails) {
        for (int i = 0; i < tails.size(); i++) {
            if (tails.get(i).lastStatus.contains("role=LEADER")) {
                Matcher m = Pattern.compile("term=(\\d+)").matcher(tails.get(i).lastStatus);
                return "m" + i + (m.find() ? " term " + m.group(1) : "");
            }
        }
        return "none";
    }

    /** Prints, per member of a stuck round, the lines that show (or refute) the suspected mechanism. */
    static void evidence(Path dir, List<Tail> tails) throws IOException {
        System.out.println("  logs kept in " + dir);
        String[][] patterns = {
                {"role changes to LEADER", "to LEADER at term"},
                {"heartbeats with no previous entry and leaderCommit >= 0", "previous=<PROTO_DEFAULT>,leaderCommit=[0-9]"},
                {"commit index changes", "commitIndex: updateIncreasingly"},
                {"applied entries", "^applied"},
                {"'already exists' refusals", "already exists \\(snapshotIndex"},
                {"'previous log entry not found' refusals", "previous log entry"},
                {"INCONSISTENCY replies received (leader side)", "received INCONSISTENCY reply"},
        };
        List<Pattern> compiled = new ArrayList<>();
        for (String[] p : patterns) {
            compiled.add(Pattern.compile(p[1]));
        }
        for (int i = 0; i < 3; i++) {
            Path f = dir.resolve("member-" + i + ".log");
            int[] counts = new int[patterns.length];
            System.out.println("  -- m" + i + ": " + tails.get(i).lastStatus.trim());
            try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
                lines.forEach(line -> {
                    for (int k = 0; k < compiled.size(); k++) {
                        if (compiled.get(k).matcher(line).find()) {
                            if (counts[k]++ < 3) {
                                System.out.println("     " + shorten(line));
                            }
                            break;
                        }
                    }
                });
            }
            StringBuilder c = new StringBuilder("     counts:");
            for (int k = 0; k < patterns.length; k++) {
                c.append(' ').append(patterns[k][0]).append('=').append(counts[k]).append(';');
            }
            System.out.println(c);
        }
    }

    static String shorten(String line) {
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
