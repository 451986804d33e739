package io.raftpool.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running proxy: the read-write and read-only ports, the watch of the committed state,
 * the age check, and the optional metrics endpoint. {@link #start} returns once every port is
 * bound; {@link #close} ends every session and releases every thread and socket.
 */
public final class Proxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Proxy.class);

    private final ProxyOptions options;
    private final Transport transport = Transport.best();
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final Router router;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final CountDownLatch closed = new CountDownLatch(1);
    private Channel readWrite;
    private Channel readOnly;
    private volatile StateWatcher watcher;
    private ScheduledFuture<?> ticker;
    private final AtomicReference<ScheduledFuture<?>> staleCheck = new AtomicReference<>();
    private HTTPServer metricsServer;
    private ExecutorService metricsExecutor;

    private Proxy(ProxyOptions options) {
        this.options = options;
        this.router = new Router(options.settings().staleAfter(), metrics);
        this.acceptors = transport.newGroup(1, "raftpool-proxy-accept");
        this.workers = transport.newGroup(options.settings().ioThreads(), "raftpool-proxy-io");
    }

    /** Binds the ports and starts following the cluster; throws when a port cannot be bound. */
    public static Proxy start(ProxyOptions options) {
        Proxy proxy = new Proxy(options);
        try {
            proxy.startAll();
            return proxy;
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
    }

    private void startAll() {
        MonotonicClock clock = options.clock();
        router.onOutage(this::outage);
        metrics.viewAge(() -> router.view().map(v -> {
            long age = v.ageMs(clock.nowMillis());
            return age == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : age / 1000.0;
        }).orElse(Double.NaN));
        FrontendContext context = new FrontendContext(router, clock, options.settings(), metrics, transport,
                new CancelForwarder(transport, options.settings().connectTimeout()), this::outage);
        readWrite = bind(options.readWritePort(), ProxyPort.READ_WRITE, context);
        readOnly = bind(options.readOnlyPort(), ProxyPort.READ_ONLY, context);
        if (options.metricsPort().isPresent()) {
            metricsExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "raftpool-proxy-metrics");
                t.setDaemon(true);
                return t;
            });
            try {
                metricsServer = HTTPServer.builder().hostname(options.bindHost()).port(options.metricsPort().getAsInt())
                        .registry(metrics.registry()).executorService(metricsExecutor).buildAndStart();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serve metrics on " + options.bindHost() + ":"
                        + options.metricsPort().getAsInt() + ": " + e.getMessage()
                        + "; free that port or change proxy.metrics_port of node " + options.nodeId(), e);
            }
        }
        long tick = Math.max(10, Math.min(100, options.settings().staleAfter().toMillis() / 10));
        ticker = workers.next().scheduleAtFixedRate(() -> {
            try {
                router.onTick(clock.nowMillis());
            } catch (RuntimeException e) {
                log.error("view age check failed; it keeps running", e);
            }
        }, tick, tick, TimeUnit.MILLISECONDS);
        watcher = new StateWatcher(options.agents(), options.nodeId(), new WatchPolicy(options.settings().staleAfter()),
                options.settings().connectTimeout(), clock, workers, transport, this::onView, options.credentials());
        watcher.start();
        log.info("proxy of node {} started ({}): read-write port {}, read-only port {}, metrics {}, agents {}",
                options.nodeId(), transport.name(), readWritePort(), readOnlyPort(),
                metricsPort().isPresent() ? "port " + metricsPort().getAsInt() : "off", options.agents());
    }

    /** A write outage this proxy's clients saw ended: exported, and reported to an agent for the history. */
    private void outage(OutageMeter.Outage o) {
        metrics.outage(o);
        log.info("write clients of this proxy waited {} ms for the primary of epoch {}", o.durationMs(), o.epoch());
        StateWatcher w = watcher;
        if (w != null) {
            w.report(o);
        }
    }

    /**
     * Takes a view and arms a check for the moment it turns stale, so that write sessions end at
     * the bound itself rather than at the next periodic tick.
     */
    private boolean onView(AgentView view) {
        MonotonicClock clock = options.clock();
        long now = clock.nowMillis();
        boolean taken = router.onView(view, now);
        if (taken) {
            long delay = Routing.msUntilStale(view, now, options.settings().staleAfter());
            ScheduledFuture<?> check = workers.next().schedule(() -> router.onTick(clock.nowMillis()), delay + 1,
                    TimeUnit.MILLISECONDS);
            ScheduledFuture<?> previous = staleCheck.getAndSet(check);
            if (previous != null) {
                previous.cancel(false);
            }
        }
        return taken;
    }

    private Channel bind(int port, ProxyPort kind, FrontendContext context) {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("start", new FrontendHandler(kind, context));
                    }
                });
        InetSocketAddress address = new InetSocketAddress(options.bindHost(), port);
        try {
            return b.bind(address).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + address + " for the " + kind.label()
                    + " port of node " + options.nodeId() + ": " + e.getMessage()
                    + "; free that port or change proxy." + kind.label() + "_port in the config", e);
        }
    }

    public int readWritePort() {
        return ((InetSocketAddress) readWrite.localAddress()).getPort();
    }

    public int readOnlyPort() {
        return ((InetSocketAddress) readOnly.localAddress()).getPort();
    }

    public OptionalInt metricsPort() {
        return metricsServer == null ? OptionalInt.empty() : OptionalInt.of(metricsServer.getPort());
    }

    /** The epoch of the view this proxy follows; empty before the first view. */
    public OptionalLong epoch() {
        return router.view().map(v -> OptionalLong.of(v.epoch())).orElse(OptionalLong.empty());
    }

    /** Sessions open on {@code port} to the server of {@code nodeId}. */
    public int openSessions(ProxyPort port, int nodeId) {
        return router.openSessions(port, nodeId);
    }

    /** Blocks until {@link #close} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    @Override
    public synchronized void close() {
        if (closed.getCount() == 0) {
            return;
        }
        if (watcher != null) {
            watcher.close();
        }
        if (ticker != null) {
            ticker.cancel(false);
        }
        ScheduledFuture<?> check = staleCheck.getAndSet(null);
        if (check != null) {
            check.cancel(false);
        }
        if (readWrite != null) {
            readWrite.close().syncUninterruptibly();
        }
        if (readOnly != null) {
            readOnly.close().syncUninterruptibly();
        }
        try {
            router.closeAll().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("not every session closed within 5 s: {}", e.toString());
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (metricsExecutor != null) {
            metricsExecutor.shutdownNow();
        }
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.info("proxy of node {} stopped", options.nodeId());
        closed.countDown();
    }
}
