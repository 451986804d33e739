package io.raftpool.chaos.net;

/** The run's network faults cannot be set up, applied or removed; the message says why and what to do. */
public final class NetFilterException extends RuntimeException {
    public NetFilterException(String message) {
        super(message);
    }
}
