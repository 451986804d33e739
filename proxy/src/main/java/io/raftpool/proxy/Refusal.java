package io.raftpool.proxy;

/** A refused connection: the reason (for metrics) and the message the client is sent. */
public record Refusal(RefusalReason reason, String message) {}
