package io.raftpool.harness;

/** Something the harness could not do: start a process, reach the cluster in time. */
public final class HarnessException extends RuntimeException {
    public HarnessException(String message) {
        super(message);
    }

    public HarnessException(String message, Throwable cause) {
        super(message, cause);
    }
}
