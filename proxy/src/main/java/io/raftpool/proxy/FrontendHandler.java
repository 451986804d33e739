package io.raftpool.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of one client connection, up to the point where bytes are only relayed: reads the
 * client's first packets, routes, connects, forwards, and then hands over to
 * {@link RelayHandler}. A client that sends nothing, or something that is not a PostgreSQL
 * start, is closed; a client that cannot be routed gets an ErrorResponse.
 *
 * <p>The loop over packets follows the protocol: an SSL or GSSENC request answered 'N' (by the
 * server, or by the proxy when refusing) is followed by another request or the
 * StartupMessage; an answer 'S' or 'G' means TLS or GSS from here, which is only relayed.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    private enum State { AWAIT_PACKET, CONNECTING, AWAIT_ANSWER, AWAIT_REPLY, RELAY, CLOSING }

    private final ProxyPort port;
    private final FrontendContext context;
    private final Set<Integer> excluded = new HashSet<>();
    private ChannelHandlerContext ctx;
    private ByteBuf received;
    private State state = State.AWAIT_PACKET;
    private ScheduledFuture<?> startupTimer;
    private StartupPacket pending;
    private Refusal refusal;
    private Session session;
    private BackendHandler backendHandler;
    private ChannelFuture connecting;
    /** The StartupMessage sent, until the server answers it: one it closes unanswered goes to the next server. */
    private StartupPacket unanswered;
    /** A server given up on before it answered: its close must not end the client. */
    private Channel abandoned;
    private ConnectionHold hold;

    FrontendHandler(ProxyPort port, FrontendContext context) {
        this.port = port;
        this.context = context;
    }

    boolean relaying() {
        return state == State.RELAY;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.received = ctx.alloc().buffer(256);
        this.hold = new ConnectionHold(ctx.channel(), port, context, this::retryHeld);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        armStartupTimer();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (state == State.CLOSING) {
                return;
            }
            // startup packets are small and bounded by StartupPacket.MAX_LENGTH; copying is fine here
            received.writeBytes(in);
        } finally {
            in.release();
        }
        readPackets();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarmStartupTimer();
        hold.end("client_gone");
        if (session != null) {
            context.clientGaveUp(session);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (received != null) {
            received.release();
            received = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {} failed during start: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** The server's one-byte answer to the SSL/GSSENC request just forwarded. */
    void onAnswer(byte answer) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {answer}));
        if (answer == PgWire.SSL_REFUSED) {
            backendHandler.idle();
            awaitNextPacket();
        } else {
            // 'S' or 'G': encrypted from here on, end to end
            backendHandler.relay(session);
            startRelay();
        }
    }

    private void readPackets() {
        while (state == State.AWAIT_PACKET && received != null && ctx.channel().isActive()) {
            StartupPacket packet = StartupPacket.read(received);
            if (packet instanceof StartupPacket.NeedMore) {
                return;
            }
            if (packet instanceof StartupPacket.Malformed m) {
                drop(RefusalReason.BAD_STARTUP, m.reason());
                return;
            }
            onPacket(packet);
        }
    }

    private void onPacket(StartupPacket packet) {
        if (packet instanceof StartupPacket.CancelRequest cancel) {
            state = State.CLOSING;
            disarmStartupTimer();
            ctx.channel().config().setAutoRead(false);
            Router.CancelRoute route = context.router().cancelTargets(cancel.key());
            context.metrics().cancelRequest(route.known());
            context.cancels().send(cancel.key(), route.targets(), ctx.channel().eventLoop())
                    .whenComplete((v, e) -> ctx.close());
            return;
        }
        if (refusal != null) {
            refuse(packet);
        } else if (session == null) {
            pending = packet;
            state = State.CONNECTING;
            disarmStartupTimer();
            ctx.channel().config().setAutoRead(false);
            admit();
        } else {
            forward(packet);
        }
    }

    private void admit() {
        if (!ctx.channel().isActive()) {
            return;
        }
        Router.Admission admission = context.router().admit(port, excluded, context.clock().nowMillis(),
                ctx.channel(), this::connect);
        if (admission instanceof Router.Admission.Refused r) {
            onRefused(r.refusal());
        } else if (admission instanceof Router.Admission.Wait w) {
            w.barrier().whenComplete((v, e) -> ctx.channel().eventLoop().execute(this::admit));
        } else {
            Session s = ((Router.Admission.Admitted) admission).session();
            session = s;
            hold.end("routed");
            // whichever handler is in place by then, a closed client ends its session
            ctx.channel().closeFuture().addListener(c -> {
                context.router().release(s);
                Channels.closeOnFlush(s.backend());
            });
            ChannelFuture connect = connecting;
            connect.addListener((ChannelFuture f) -> onConnected(s, f));
        }
    }

    /** Called by the router under its lock: opens the socket to {@code target}, without blocking. */
    private Channel connect(Target target) {
        backendHandler = new BackendHandler(ctx.channel(), this, context);
        connecting = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(context.transport().socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.settings().connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(backendHandler)
                .connect(InetSocketAddress.createUnresolved(target.host(), target.port()));
        return connecting.channel();
    }

    private void onConnected(Session s, ChannelFuture f) {
        if (s != session) {
            return;
        }
        if (f.isSuccess()) {
            context.metrics().routed(port, s.target());
            context.routed(port, s.target());
            // its close ends the client through BackendHandler.channelInactive (serverClosed)
            if (!ctx.channel().isActive()) {
                f.channel().close();
                return;
            }
            StartupPacket packet = pending;
            pending = null;
            forward(packet);
            return;
        }
        context.router().release(s);
        session = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        context.clientGaveUp(s);
        Target t = s.target();
        String cause = f.cause() == null ? "cancelled"
                : f.cause().getMessage() != null ? f.cause().getMessage() : f.cause().getClass().getSimpleName();
        log.info("{} connection: cannot reach {} (connect timeout {} ms): {}", port.label(), t.describe(),
                context.settings().connectTimeout().toMillis(), cause);
        elsewhere(t, "cannot reach the primary " + t.describe() + " (epoch " + t.epoch() + ", connect timeout "
                + context.settings().connectTimeout().toMillis() + " ms): " + cause);
    }

    /**
     * {@code t} did not take the connection: a read-only one tries another standby; a read-write
     * one waits for the primary to answer or be replaced ({@link #onRefused}).
     */
    private void elsewhere(Target t, String why) {
        if (port == ProxyPort.READ_ONLY) {
            excluded.add(t.nodeId());
            admit();
        } else {
            onRefused(new Refusal(RefusalReason.CONNECT_FAILED, "raftpool: " + why + "; retry shortly"));
        }
    }

    /** Waits for the cluster when {@link Holding} says a server may come; else refuses. */
    private void onRefused(Refusal why) {
        context.unroutable(port);
        Optional<Refusal> last = hold.holdOrRefuse(why);
        if (last.isEmpty()) {
            return;
        }
        refusal = last.get();
        context.metrics().refused(port, refusal.reason());
        log.debug("refused {} connection from {}: {}", port.label(), ctx.channel().remoteAddress(), refusal.message());
        refuse(pending);
    }

    /** A held connection asks again: a new view came, or its retry time. Runs on its event loop. */
    private void retryHeld() {
        if (session != null || state != State.CONNECTING) {
            return;
        }
        excluded.clear(); // a standby that did not accept before may now
        admit();
    }

    private void forward(StartupPacket packet) {
        Channel backend = session.backend();
        if (packet instanceof StartupPacket.Startup) {
            backendHandler.scanStartupReplies(session);
            unanswered = packet;
            state = State.AWAIT_REPLY;
            backend.writeAndFlush(Unpooled.wrappedBuffer(packet.bytes()));
        } else {
            state = State.AWAIT_ANSWER;
            backendHandler.awaitAnswer();
            backend.writeAndFlush(Unpooled.wrappedBuffer(packet.bytes()));
        }
    }

    /** The server's first bytes after the StartupMessage: from here on, bytes are only relayed. */
    void onFirstReply() {
        if (state == State.AWAIT_REPLY) {
            unanswered = null;
            startRelay();
        }
    }

    /**
     * A server connection closed: whether the client must close too. Not when the server closed
     * before it answered the StartupMessage (a primary that died as the client came in): nothing
     * of the session exists yet, and the same startup is routed again, held if need be.
     */
    boolean serverClosed(Channel server) {
        if (server == abandoned) {
            return false;
        }
        if (!awaitingReply() || session.backend() != server || !ctx.channel().isActive()) {
            return true;
        }
        routeAgain(server, "closed it before answering its start");
        return false;
    }

    boolean awaitingReply() {
        return state == State.AWAIT_REPLY && session != null;
    }

    /** The server answered the start with "shutting down", "crashed" or "starting up" (57P0x). */
    void serverGoingAway(Channel server) {
        if (!awaitingReply() || session.backend() != server) {
            return;
        }
        routeAgain(server, "answered its start that it stops or is not ready");
        server.close();
    }

    private void routeAgain(Channel server, String what) {
        abandoned = server;
        Target t = session.target();
        context.router().release(session);
        session = null;
        pending = unanswered;
        unanswered = null;
        state = State.CONNECTING;
        log.info("{} connection: {} {}; routing it again", port.label(), t.describe(), what);
        elsewhere(t, "the primary " + t.describe() + " (epoch " + t.epoch() + ") " + what);
    }

    private void startRelay() {
        session.started();
        disarmStartupTimer();
        state = State.RELAY;
        Channel backend = session.backend();
        ByteBuf rest = received;
        received = null;
        if (rest.isReadable()) {
            context.metrics().bytesToServer(rest.readableBytes());
            session.clientSent(rest, context.clock());
            backend.write(rest);
        } else {
            rest.release();
        }
        backend.flush();
        ctx.pipeline().replace(this, "relay", new RelayHandler(session, context));
        ctx.channel().config().setAutoRead(true);
    }

    private void refuse(StartupPacket packet) {
        if (packet instanceof StartupPacket.Startup) {
            state = State.CLOSING;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(PgWire.fatalError(PgWire.CANNOT_CONNECT_NOW, refusal.message())))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        // an SSL or GSSENC request: decline it, so that the client sends its StartupMessage in
        // plain text and can be told why in an ErrorResponse it will show
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {PgWire.SSL_REFUSED}));
        awaitNextPacket();
    }

    private void awaitNextPacket() {
        state = State.AWAIT_PACKET;
        armStartupTimer();
        ctx.channel().config().setAutoRead(true);
        readPackets();
    }

    private void drop(RefusalReason reason, String why) {
        state = State.CLOSING;
        disarmStartupTimer();
        context.metrics().refused(port, reason);
        log.info("dropped {} connection from {}: {}", port.label(), ctx.channel().remoteAddress(), why);
        ctx.close();
    }

    private void armStartupTimer() {
        if (startupTimer == null) {
            long ms = context.settings().startupTimeout().toMillis();
            startupTimer = ctx.executor().schedule(() -> {
                startupTimer = null;
                if (state == State.AWAIT_PACKET) {
                    drop(RefusalReason.STARTUP_TIMEOUT, "no complete startup packet within " + ms + " ms");
                }
            }, ms, TimeUnit.MILLISECONDS);
        }
    }

    private void disarmStartupTimer() {
        if (startupTimer != null) {
            startupTimer.cancel(false);
            startupTimer = null;
        }
    }
}
