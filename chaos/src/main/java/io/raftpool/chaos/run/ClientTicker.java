package io.raftpool.chaos.run;

import io.raftpool.chaos.Progress;
import io.raftpool.chaos.history.HistoryRecorder;
import io.raftpool.chaos.workload.Clients;
import java.util.concurrent.locks.LockSupport;

/** Waits for history times while printing a line about the clients every 10 s. */
final class ClientTicker {
    static final long TICK_NS = 10_000_000_000L;

    private final HistoryRecorder recorder;
    private final Clients clients;
    private final Progress progress;
    private long nextTick;
    private long lastOk;

    ClientTicker(HistoryRecorder recorder, Clients clients, Progress progress, long t0) {
        this.recorder = recorder;
        this.clients = clients;
        this.progress = progress;
        this.nextTick = t0 + TICK_NS;
    }

    void waitUntil(long timeNs) {
        while (recorder.now() < timeNs) {
            long until = Math.min(timeNs, nextTick);
            long wait = until - recorder.now();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // the schedule's own waits
            }
            if (recorder.now() >= nextTick) {
                long ok = clients.ok();
                progress.line(String.format("clients: %d ok (+%d in the last 10 s), %d fail, %d info", ok, ok - lastOk,
                        clients.failed(), clients.unknown()));
                lastOk = ok;
                nextTick += TICK_NS;
            }
        }
    }
}
