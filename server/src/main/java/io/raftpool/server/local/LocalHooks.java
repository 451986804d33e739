package io.raftpool.server.local;

import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.server.hooks.HookRunner;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operator's hooks around this server's promotion, following and recovery; each outcome is
 * committed as an event. Hooks after the fact run beside the loop: a slow hook must not delay
 * fencing or the next action.
 */
final class LocalHooks implements AutoCloseable {
    private final OwnServer own;
    private final Reports reports;
    private final HookRunner runner;
    private final ExecutorService threads = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hooks");
        t.setDaemon(true);
        return t;
    });

    LocalHooks(OwnServer own, Reports reports) {
        this.own = own;
        this.reports = reports;
        this.runner = new HookRunner(own.config().hooks());
    }

    /** Runs {@code hook} (if configured) and waits for it; its outcome is committed as an event. */
    Optional<HookRunner.Outcome> runNow(HookRunner.Hook hook, Map<String, String> values) {
        Optional<HookRunner.Outcome> outcome = runner.run(hook, values);
        outcome.ifPresent(this::record);
        return outcome;
    }

    void runInBackground(HookRunner.Hook hook, Map<String, String> values) {
        if (runner.template(hook).isPresent()) {
            threads.execute(() -> runner.run(hook, values).ifPresent(this::record));
        }
    }

    private void record(HookRunner.Outcome outcome) {
        reports.submit(Command.newBuilder().setAppendEvent(AppendEvent.newBuilder().setEvent(Event.newBuilder()
                .setKind("hook").setNodeId(own.id()).setEpoch(own.state().getPrimary().getEpoch())
                .setMessage(outcome.describe() + " on node " + own.id()).setDurationMs(outcome.elapsedMs()))));
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
