package io.raftpool.harness;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Sends a signal to one process by pid (kill -STOP 1234). */
public final class Signals {
    private Signals() {}

    public static void send(long pid, String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new HarnessException("kill -" + signal + " " + pid + " failed: "
                        + new String(p.getInputStream().readAllBytes()).trim());
            }
        } catch (IOException e) {
            throw new HarnessException("kill -" + signal + " " + pid + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted while signalling " + pid, e);
        }
    }
}
