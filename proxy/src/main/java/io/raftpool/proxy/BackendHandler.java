package io.raftpool.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server to client. During the start it hands the one-byte answer to an SSL/GSSENC request to
 * the {@link FrontendHandler}, and watches the plain-text startup replies for the cancel key;
 * after that, buffers pass through as they are, with backpressure. Runs on the client
 * channel's event loop, like the frontend, so the two never race.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);

    enum Mode { IDLE, AWAIT_ANSWER, SCAN, RELAY }

    private final Channel client;
    private final FrontendHandler frontend;
    private final FrontendContext context;
    private Mode mode = Mode.IDLE;
    private StartupReplyScanner scanner;
    private Session session;
    /** The server's replies to the start that the client has not been sent yet. */
    private ByteBuf unseen;

    BackendHandler(Channel client, FrontendHandler frontend, FrontendContext context) {
        this.client = client;
        this.frontend = frontend;
        this.context = context;
    }

    void awaitAnswer() {
        mode = Mode.AWAIT_ANSWER;
    }

    void scanStartupReplies(Session session) {
        this.session = session;
        this.scanner = new StartupReplyScanner();
        mode = Mode.SCAN;
    }

    void relay(Session session) {
        this.session = session;
        mode = Mode.RELAY;
    }

    void idle() {
        mode = Mode.IDLE;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        if (mode == Mode.AWAIT_ANSWER) {
            if (!buf.isReadable()) {
                buf.release();
                return;
            }
            byte answer = buf.readByte();
            frontend.onAnswer(answer);
            if (!buf.isReadable()) {
                buf.release();
                return;
            }
        }
        if (mode == Mode.SCAN) {
            scanner.scan(buf);
            if (frontend.awaitingReply()) {
                // nothing reaches the client before it has something to do: until then a server
                // that dies, or answers that it stops, leaves no trace and another one takes the start
                unseen = unseen == null ? buf : Unpooled.wrappedBuffer(unseen, buf);
                if (!scanner.clientTurn()) {
                    return;
                }
                buf = unseen;
                unseen = null;
                if (PgWire.isServerGoingAway(buf)) {
                    buf.release();
                    frontend.serverGoingAway(ctx.channel());
                    return;
                }
                frontend.onFirstReply();
            }
            if (scanner.key().isPresent() || scanner.done()) {
                scanner.key().ifPresent(key -> context.router().learnedCancelKey(session, key));
                mode = Mode.RELAY;
                scanner = null;
            }
        }
        context.metrics().bytesToClient(buf.readableBytes());
        if (session != null) {
            session.serverSent(context.clock());
        }
        client.write(buf, client.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        client.flush();
        if (!client.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && frontend.relaying()) {
            client.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (unseen != null) {
            unseen.release();
            unseen = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (frontend.serverClosed(ctx.channel())) {
            if (mode == Mode.RELAY && session != null && client.isActive()) {
                context.serverClosed(session);
            }
            Channels.closeOnFlush(client);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("server connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
