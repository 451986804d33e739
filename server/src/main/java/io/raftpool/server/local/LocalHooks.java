package io.raftpool.server.local;

import io.raftpool.proto.AppendEvent;
import io.raftpool.proto.Command;
import io.raftpool.proto.Event;
import io.raftpool.server.hooks.HookRunner;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * The operator's hooks around this server's promotion, following and recovery; each outcome is
 * committed as an event. Hooks after the fact run on {@code threads}, beside the loop: a slow
 * hook must not delay fencing or the next action.
 */
record LocalHooks(OwnServer own, Reports reports, HookRunner runner, ExecutorService threads) implements AutoCloseable {
    /** Runs {@code hook} (if configured) and waits for it; its outcome is committed as an event. */
    Optional<HookRunner.Outcome> runNow(HookRunner.Hook hook, Map<String, String> values) {
        Optional<HookRunner.Outcome> outcome = runner.run(hook, values);
        outcome.ifPresent(this::commit);
        return outcome;
    }

    void runInBackground(HookRunner.Hook hook, Map<String, String> values) {
        if (runner.template(hook).isPresent()) {
            threads.execute(() -> runner.run(hook, values).ifPresent(this::commit));
        }
    }

    private void commit(HookRunner.Outcome outcome) {
        reports.submit(Command.newBuilder().setAppendEvent(AppendEvent.newBuilder().setEvent(Event.newBuilder()
                .setKind("hook").setNodeId(own.id()).setEpoch(own.state().getPrimary().getEpoch())
                .setMessage(outcome.describe() + " on node " + own.id()).setDurationMs(outcome.elapsedMs()))));
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
