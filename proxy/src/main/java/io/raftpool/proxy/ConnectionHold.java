package io.raftpool.proxy;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's wait for the cluster (proxy.hold_timeout): what {@link Holding}
 * decides, carried out on the connection's event loop. While held, the connection is listed in
 * the proxy's {@link HeldConnections}, so a new view wakes it, and a timer wakes it at the
 * retry time {@link Holding} gave.
 */
final class ConnectionHold {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHold.class);

    private final Channel client;
    private final ProxyPort port;
    private final FrontendContext context;
    private final Runnable retry;
    private final HeldConnections.Waiter waiter;
    /** When this connection first waited (the bound counts from here); -1: never. */
    private long sinceMs = -1;
    private boolean listed;
    private ScheduledFuture<?> timer;

    /** {@code retry} runs on the client's event loop when the connection should ask to be routed again. */
    ConnectionHold(Channel client, ProxyPort port, FrontendContext context, Runnable retry) {
        this.client = client;
        this.port = port;
        this.context = context;
        this.retry = retry;
        this.waiter = () -> {
            try {
                client.eventLoop().execute(this::wake);
            } catch (RejectedExecutionException e) {
                // the proxy is shutting down: its loops close every connection
            }
        };
    }

    /** Holds the connection, or returns the refusal to send when it must not wait (any more). */
    Optional<Refusal> holdOrRefuse(Refusal why) {
        long now = context.clock().nowMillis();
        HeldConnections waiting = context.router().held();
        Holding.Decision d = Holding.decide(why, context.router().view(), sinceMs, now,
                context.settings().holdTimeout(), context.settings().holdMax(), waiting.size() - (listed ? 1 : 0),
                context.settings().staleAfter());
        if (d instanceof Holding.Decision.Refuse r) {
            end("refused");
            return Optional.of(r.refusal());
        }
        Holding.Decision.Hold h = (Holding.Decision.Hold) d;
        if (sinceMs < 0) {
            sinceMs = now;
            log.debug("holding {} connection from {}: {}", port.label(), client.remoteAddress(), h.why());
        }
        if (!listed) {
            listed = true;
            waiting.add(waiter);
        }
        cancelTimer();
        timer = client.eventLoop().schedule(this::wake, Math.max(1, h.retryAtMs() - now), TimeUnit.MILLISECONDS);
        return Optional.empty();
    }

    /** Ends the wait: routed, refused, or the client went away. Idempotent. */
    void end(String outcome) {
        cancelTimer();
        if (listed) {
            listed = false;
            context.router().held().remove(waiter);
            context.metrics().holdEnded(port, outcome, context.clock().nowMillis() - sinceMs);
        }
    }

    private void wake() {
        cancelTimer();
        if (!listed) {
            return;
        }
        if (!client.isActive()) {
            end("client_gone");
            return;
        }
        retry.run();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
