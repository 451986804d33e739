package io.raftpool.harness;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The admin API of a cluster whose agents live in network namespaces, for a JVM outside them:
 * requests go through an {@link AdminRelay} process started inside a namespace that reaches
 * the agents (a lab's client namespace). The relay is killed by its pid on close.
 */
public final class RelayedAdmin implements AutoCloseable {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private final ClusterConfig config;
    private final Process relay;
    private final Writer requests;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private long seq;

    private RelayedAdmin(ClusterConfig config, Process relay) {
        this.config = config;
        this.relay = relay;
        this.requests = new OutputStreamWriter(relay.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readAnswers, "admin-relay-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a relay inside namespace {@code ns} to the agents of {@code config}; its log goes to {@code log}. */
    public static RelayedAdmin start(String ns, ClusterConfig config, Path log) {
        // the relay reads the config itself: the agents' addresses and their security (TLS, token)
        List<String> cmd = NetworkPlan.inNamespace(ns, ManagedProcess.javaCommand(AdminRelay.class.getName(),
                List.of("--config", config.source().toAbsolutePath().toString()), "96m", false));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new RelayedAdmin(config, p);
        } catch (IOException e) {
            throw new HarnessException("cannot start the admin relay in namespace " + ns + ": " + e.getMessage(), e);
        }
    }

    /** The committed state as some agent the relay reaches knows it, or empty when none answers. */
    public Optional<ClusterState> state() {
        return ask("state").flatMap(bytes -> parse(() -> StateView.parseFrom(bytes))).map(StateView::getState);
    }

    /**
     * The committed state, only when the answering agent can vouch that it is current: applied at
     * least as far as the leader had at a majority contact within {@code bound} (an agent just
     * restarted, or cut off, serves an old state).
     */
    public Optional<ClusterState> freshState(Duration bound) {
        return ask("state").flatMap(bytes -> parse(() -> StateView.parseFrom(bytes)))
                .filter(v -> v.getRaft().getMajorityContactAgeMs() >= 0
                        && v.getRaft().getMajorityContactAgeMs() < bound.toMillis())
                .map(StateView::getState);
    }

    /** Node {@code id}'s own Raft view, or empty when it does not answer (dead, cut off). */
    public Optional<RaftInfo> raftInfo(int id) {
        return ask("raft " + config.requireNode(id).adminAddress()).flatMap(bytes -> parse(() -> RaftInfo.parseFrom(bytes)));
    }

    /** The node that says it leads, in the newest term among those that answer; empty when none does. */
    public OptionalInt leader() {
        int leader = -1;
        long term = -1;
        for (NodeConfig n : config.nodes()) {
            Optional<RaftInfo> info = raftInfo(n.id());
            if (info.isPresent() && info.get().getRole().equals("LEADER") && info.get().getTerm() > term) {
                leader = n.id();
                term = info.get().getTerm();
            }
        }
        return leader < 0 ? OptionalInt.empty() : OptionalInt.of(leader);
    }

    /**
     * Waits for a healthy cluster ({@link ClusterHealth#healthy}) whose every agent is a Raft
     * voter: a new cluster grows its Raft group after it has a primary.
     */
    public ClusterState awaitHealthy(Duration timeout) {
        return awaitState(ClusterHealth.HEALTHY, timeout,
                s -> ClusterHealth.healthy(s) && ClusterHealth.everyAgentSettled(s, this::raftInfo));
    }

    /** Waits until the committed state satisfies {@code condition}; fails with the last state seen. */
    public ClusterState awaitState(String what, Duration timeout, Predicate<ClusterState> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<ClusterState> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            Optional<ClusterState> s = state();
            if (s.isPresent()) {
                last = s;
                if (condition.test(s.get())) {
                    return s.get();
                }
            }
            LocalCluster.pause(100);
        }
        throw new HarnessException("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + "; last state seen: " + last.map(ClusterHealth::summary).orElse("no agent answered"));
    }

    private synchronized Optional<byte[]> ask(String request) {
        if (!relay.isAlive()) {
            throw new HarnessException("the admin relay has exited (code " + relay.exitValue() + ")");
        }
        long id = ++seq;
        try {
            requests.write(id + " " + request + "\n");
            requests.flush();
        } catch (IOException e) {
            throw new HarnessException("cannot write to the admin relay: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        String prefix = id + " ";
        try {
            while (System.nanoTime() < deadline) {
                String answer = answers.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (answer == null) {
                    break;
                }
                if (answer.startsWith(prefix)) { // an older answer that came too late is dropped
                    String rest = answer.substring(prefix.length());
                    return rest.startsWith("ok ") ? Optional.of(Base64.getDecoder().decode(rest.substring(3)))
                            : Optional.empty();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted while waiting for the admin relay", e);
        }
        return Optional.empty();
    }

    private void readAnswers() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(AdminRelay.MARK + " ")) {
                    answers.add(line.substring(AdminRelay.MARK.length() + 1));
                }
            }
        } catch (IOException ignored) {
            // the relay ended; ask() notices
        }
    }

    private interface Parser<T> {
        T parse() throws InvalidProtocolBufferException;
    }

    private static <T> Optional<T> parse(Parser<T> p) {
        try {
            return Optional.of(p.parse());
        } catch (InvalidProtocolBufferException e) {
            throw new HarnessException("the admin relay sent a message that does not parse: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            requests.close(); // end of input: the relay exits by itself
        } catch (IOException ignored) {
            // it is going away anyway
        }
        try {
            if (!relay.waitFor(5, TimeUnit.SECONDS)) {
                relay.destroyForcibly();
                relay.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            relay.destroyForcibly();
        }
    }
}
