package io.raftpool.server.hooks;

import io.raftpool.config.HookSettings;
import io.raftpool.server.shell.Shell;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the user's hook commands through {@code /bin/sh -c}, with a timeout, logging their
 * output line by line. A hook's failure is reported, never thrown: whether it matters is the
 * caller's decision.
 */
public final class HookRunner {
    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);

    public enum Hook {
        BEFORE_PROMOTE("before_promote"), AFTER_FAILOVER("after_failover"), FOLLOW_PRIMARY("follow_primary"),
        BEFORE_RECOVERY("before_recovery"), AFTER_RECOVERY("after_recovery");

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
            case BEFORE_RECOVERY -> settings.beforeRecovery();
            case AFTER_RECOVERY -> settings.afterRecovery();
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
        Outcome outcome = execute(hook, command, settings.timeout());
        if (outcome.succeeded()) {
            LOG.info(outcome.describe());
        } else {
            LOG.warn(outcome.describe());
        }
        return Optional.of(outcome);
    }

    private static Outcome execute(Hook hook, String command, Duration timeout) {
        Shell.Result r = Shell.run(command, timeout, line -> LOG.info("hook {}: {}", hook.key, line));
        return new Outcome(hook, r.exitCode(), r.elapsedMs(), r.tail());
    }
}
