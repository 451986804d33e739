package io.raftpool.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.concurrent.CompletableFuture;

/**
 * One routed client connection: the client's channel, the channel to the server it was
 * routed to, and what it was routed under (port, node, epoch). Closing it closes both.
 */
final class Session {

    private final long id;
    private final ProxyPort port;
    private final Target target;
    private final Channel client;
    private volatile Channel backend;
    private volatile CancelKey cancelKey;
    private volatile boolean started;
    /** When the client sent what the server has not answered yet (monotonic ms); -1 when the server spoke last. */
    private volatile long unansweredSinceMs = -1;

    /** When its server last answered a request on any session of this proxy (monotonic ms, shared). */
    private final java.util.concurrent.atomic.AtomicLong serverAnsweredMs;

    Session(long id, ProxyPort port, Target target, Channel client, java.util.concurrent.atomic.AtomicLong serverAnsweredMs) {
        this.id = id;
        this.port = port;
        this.target = target;
        this.client = client;
        this.serverAnsweredMs = serverAnsweredMs;
    }

    long id() {
        return id;
    }

    ProxyPort port() {
        return port;
    }

    Target target() {
        return target;
    }

    Channel client() {
        return client;
    }

    Channel backend() {
        return backend;
    }

    void backend(Channel channel) {
        this.backend = channel;
    }

    CancelKey cancelKey() {
        return cancelKey;
    }

    void cancelKey(CancelKey key) {
        this.cancelKey = key;
    }

    /**
     * The client sent something: a request starts waiting unless one already does. A lone
     * Terminate ('X', length 4) waits for nothing. Called on the event loop for every read, so it
     * reads the clock only when a request starts.
     */
    void clientSent(io.netty.buffer.ByteBuf msg, MonotonicClock clock) {
        if (unansweredSinceMs < 0 && !(msg.readableBytes() == 5 && msg.getByte(msg.readerIndex()) == 'X')) {
            unansweredSinceMs = clock.nowMillis();
        }
    }

    /** Its client waits from {@code nowMs} (monotonic): a new session waits for the server to answer its start. */
    void waitingFrom(long nowMs) {
        unansweredSinceMs = nowMs;
    }

    /** The server sent something: the client's requests so far are answered (at least in part). */
    void serverSent(MonotonicClock clock) {
        if (unansweredSinceMs >= 0) {
            unansweredSinceMs = -1;
            serverAnsweredMs.set(clock.nowMillis());
        }
    }

    /**
     * Since when (monotonic ms) the client has waited on a server that has answered nobody on
     * this proxy since, or -1 when it waits for nothing: for a write client whose session is cut
     * or broken, that is when it could no longer write, not the moment the cut was decided. A
     * request that was merely slow while the server went on answering others counts from the
     * server's last answer.
     */
    long waitingSinceMs() {
        long since = unansweredSinceMs;
        return since < 0 ? -1 : Math.max(since, serverAnsweredMs.get());
    }

    /** The server answered the client's start (or TLS began): from here the session exists for the client. */
    void started() {
        started = true;
    }

    /**
     * Ends the session for a view that no longer allows it. One that has not started for the
     * client loses only its server side: its client is routed again (under the new view, once
     * every retired server socket is closed), not cut. Completes when what it closes is closed.
     */
    CompletableFuture<Void> retire() {
        Channel b = backend;
        if (!started && b != null) {
            return toFuture(b.close());
        }
        return close();
    }

    /** Closes both sides; completes when both sockets are closed. */
    CompletableFuture<Void> close() {
        Channel b = backend;
        return CompletableFuture.allOf(toFuture(client.close()),
                b == null ? CompletableFuture.completedFuture(null) : toFuture(b.close()));
    }

    private static CompletableFuture<Void> toFuture(ChannelFuture f) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        f.addListener(x -> done.complete(null));
        return done;
    }

    @Override
    public String toString() {
        return "session " + id + " (" + port.label() + " to " + target.describe() + ", epoch " + target.epoch() + ")";
    }
}
