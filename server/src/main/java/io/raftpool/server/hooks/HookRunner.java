package io.raftpool.server.hooks;

import io.raftpool.config.HookSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the user's hook commands through {@code /bin/sh -c}, with a timeout, logging their
 * output line by line. A hook's failure is reported, never thrown: whether it matters is the
 * caller's decision.
 */
public final class HookRunner {
    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);
    private static final int TAIL_LINES = 5;

    public enum Hook {
        BEFORE_PROMOTE("before_promote"), AFTER_FAILOVER("after_failover"), FOLLOW_PRIMARY("follow_primary");

        public final String key;

        Hook(String key) {
            this.key = key;
        }
    }

    /** What a hook run did; {@code exitCode} is -1 on timeout or when it could not start. */
    public record Outcome(Hook hook, int exitCode, long elapsedMs, String tail) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        public String describe() {
            return "hook " + hook.key + (succeeded() ? " succeeded" : exitCode == -1 ? " failed: " + tail
                    : " failed with exit code " + exitCode + (tail.isEmpty() ? "" : ": " + tail)) + " in " + elapsedMs + " ms";
        }
    }

    private final HookSettings settings;

    public HookRunner(HookSettings settings) {
        this.settings = settings;
    }

    public Optional<String> template(Hook hook) {
        return switch (hook) {
            case BEFORE_PROMOTE -> settings.beforePromote();
            case AFTER_FAILOVER -> settings.afterFailover();
            case FOLLOW_PRIMARY -> settings.followPrimary();
        };
    }

    /** Runs the hook if one is configured; empty when none is. */
    public Optional<Outcome> run(Hook hook, Map<String, String> values) {
        Optional<String> template = template(hook);
        if (template.isEmpty()) {
            return Optional.empty();
        }
        String command = HookCommand.render(template.get(), values);
        LOG.info("running hook {}: {}", hook.key, command);
        long start = System.nanoTime();
        Outcome outcome = execute(hook, command, settings.timeout(), start);
        if (outcome.succeeded()) {
            LOG.info(outcome.describe());
        } else {
            LOG.warn(outcome.describe());
        }
        return Optional.of(outcome);
    }

    private static Outcome execute(Hook hook, String command, Duration timeout, long start) {
        Process p;
        try {
            p = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Outcome(hook, -1, elapsed(start), "cannot start /bin/sh: " + e.getMessage());
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    LOG.info("hook {}: {}", hook.key, line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process was killed: its output ends here
            }
        }, "hook-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Outcome(hook, -1, elapsed(start), "timed out after " + timeout.toMillis() + " ms");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Outcome(hook, -1, elapsed(start), "interrupted");
        }
        String last;
        synchronized (tail) {
            last = String.join(" | ", tail);
        }
        return new Outcome(hook, p.exitValue(), elapsed(start), last);
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
