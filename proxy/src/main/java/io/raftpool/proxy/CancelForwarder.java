package io.raftpool.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends a CancelRequest to servers, each on a connection of its own, as PostgreSQL expects. */
final class CancelForwarder {

    private static final Logger log = LoggerFactory.getLogger(CancelForwarder.class);

    private final Transport transport;
    private final Duration connectTimeout;

    CancelForwarder(Transport transport, Duration connectTimeout) {
        this.transport = transport;
        this.connectTimeout = connectTimeout;
    }

    private static String describe(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /** Completes when every target has been sent the request or has failed to accept it. */
    CompletableFuture<Void> send(CancelKey key, List<InetSocketAddress> targets, EventLoop loop) {
        byte[] packet = PgWire.cancelRequest(key);
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (InetSocketAddress target : targets) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            sent.add(done);
            ChannelFuture connect = new Bootstrap().group(loop).channel(transport.socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }
                    })
                    .connect(target);
            connect.addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    log.info("cancel request for {} not delivered to {}: {}", key, describe(target), f.cause().toString());
                    done.complete(null);
                    return;
                }
                // the server closes the connection once it has acted on the request; waiting for
                // that keeps the client's own wait (libpq and JDBC read until EOF) meaningful
                f.channel().closeFuture().addListener(c -> done.complete(null));
                loop.schedule(() -> f.channel().close(), connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
                f.channel().writeAndFlush(Unpooled.wrappedBuffer(packet));
            });
        }
        log.debug("cancel request for {} sent to {}", key, targets.stream().map(CancelForwarder::describe).toList());
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }
}
