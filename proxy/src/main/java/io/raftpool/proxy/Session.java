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

    Session(long id, ProxyPort port, Target target, Channel client) {
        this.id = id;
        this.port = port;
        this.target = target;
        this.client = client;
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
